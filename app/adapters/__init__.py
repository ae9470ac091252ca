"""Clients of outside systems (identity, e-licences, back office) and their loopback sandboxes."""
