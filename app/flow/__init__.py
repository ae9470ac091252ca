"""The one-network application flow (一网通办): form schemas, drafts, submission, tracking."""

# The cookie that carries the flow session's secret (app/state/flow_auth.py sets it, the
# routes of app/flow/http.py read it).
SESSION_COOKIE = "yw_sid"
