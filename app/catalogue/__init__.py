"""Service catalogue: storage, loader, seed data, synthetic generator and query API."""
