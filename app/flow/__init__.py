"""The one-network application flow (一网通办): form schemas, drafts, submission, tracking.

The session cookie's name and attributes are defined once, in ``app/security/session_cookie.py``."""
