"""The sandboxes of the services the application flow talks to: stand-ins on loopback for the
provincial identity provider (``idp``), the e-licence service (``elicence``), the back office
(``backoffice``), the cashier (``cashier``) and the courier (``logistics``), each a small
Starlette app with its own ``python -m sandboxes.<name> --port N``.

They are not part of the app: nothing under ``app/`` imports them (tests/test_layers.py); they
speak the protocols of the app's clients in ``app/adapters``. ``python -m sandboxes -- COMMAND``
(``sandboxes/launcher.py``) starts those that no real service replaces beside a command
(``scripts/run.sh``, ``scripts/scaled/``, e2e).
"""
