"""Security of a deployment: where every protection lives (``docs/deploy.md`` § Security).

- ``public_url``: the public URL of every host from configuration only (login callbacks,
  redirects, the origins CORS and websockets accept); production refuses to start without it;
- ``session_cookie``: the session secret lives in an HttpOnly cookie set by HTTP routes; event
  handlers find it through the connection, it never enters Reflex state (a private hook);
- ``headers``: CSP with hashed inline scripts, frame-ancestors, nosniff, Referrer-Policy,
  Permissions-Policy and CORS for configured origins only, on every response;
- ``crypto``: ID numbers and phones encrypted at rest (Fernet, key rotation);
- ``limits``: events per socket, new sockets per address (a private hook);
- ``production``: what a production deployment must configure, checked at start.
"""
