"""Domain models and validators (no storage, no UI)."""
