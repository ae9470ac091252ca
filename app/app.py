"""Builds the Reflex app for the active province (``YIWANG_PROVINCE`` / ``YIWANG_PROVINCE_DIR``)."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import reflex as rx
from reflex.app import default_error_boundary

from app.flow.http import flow_api
from app.pages import fallback
from app.pages.host_html import FAVICON_PATH, ASGIApp, favicon_route, per_host_html
from app.pages.province import head_script, is_multi, tokens_css
from app.pages.vars import var_of
from app.resilience import install as install_resilience
from app.resilience.notice import backend_exception_handler
from app.routes import routes
from app.security import production
from app.security.headers import security_headers
from app.serving import cache_control
from app.settings import activate_languages, theme_for_host
from app.state.flow_auth import FlowAuthState, personal_key
from app.state.notice import NoticeState
from components.connection_status import connection_status
from components.i18n import title_var
from components.locales import text_direction, write_catalogs
from components.runtime import boot_script
from components.styles import library_css, minify_css
from themes import ThemeError

# Non-default locales' catalogs, copied by Reflex with assets/ into the public folder.
CATALOG_DIR = Path(__file__).resolve().parent.parent / "assets" / "_generated" / "i18n"


def create_app() -> rx.App:
    # production refuses to start without its public URL, data keys and scan command; no
    # client token in a log line (app/security)
    if problems := production.prepare():
        for problem in problems:
            print(f"Yiwang cannot start in production: {problem}", file=sys.stderr)
        raise SystemExit(2)
    try:
        # every province of YIWANG_HOSTS is valid, or the build stops; then the default's
        # language is the build's and every province's content translations are known
        theme = activate_languages()
    except ThemeError as exc:  # stop the build with the file and field, not a traceback
        print(f"Yiwang cannot build this province: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    ident = theme.settings.identity
    version = write_catalogs(CATALOG_DIR, theme.default_language)

    def host_html(inner: ASGIApp) -> ASGIApp:
        return per_host_html(inner, theme, theme_for_host)

    application = rx.App(
        # Our own translated connection banner instead of Reflex's toast overlay (and no
        # toast provider: nothing else uses it, and it costs every page's bundle).
        toaster=None,
        app_wraps={
            (55, "ErrorBoundary"): lambda stateful: default_error_boundary(
                **({"on_error": rx.noop()} if not stateful else {})
            ),
            (5, "ConnectionStatus"): lambda stateful: (
                connection_status(service_notice=var_of(NoticeState.service_notice))
                if stateful
                else None
            ),
        },
        # An action the server cannot process (Redis or PostgreSQL away) gets the translated
        # service notice instead of Reflex's English toast, which this app does not render.
        backend_exception_handler=backend_exception_handler,
        hydrate_fallback=fallback.page,
        html_lang=theme.html_lang,
        html_custom_attrs={
            "dir": text_direction(theme.default_language),
            "data-province": theme.code,
            "data-mode": "standard",
        },
        reset_style=False,
        # /flow/files: citizens' materials, private and served to their owner only;
        # /flow/session: the HttpOnly session cookie; with several provinces, each host's
        # prerendered pages rewritten to be its own; security headers on every response;
        # outermost, the browser cache lifetimes of deploy/nginx (app/serving.py)
        api_transformer=[
            flow_api(extra=[favicon_route(theme_for_host)]),
            *([host_html] if is_multi() else []),
            security_headers,
            cache_control,
        ],
        head_components=[
            boot_script(theme.default_language, version),
            rx.el.meta(name="theme-color", content=theme.value("--yw-header-bg")),
            # several provinces: pick the one of this host name before anything paints
            *([rx.el.script(head_script())] if is_multi() else []),
            rx.el.style(minify_css(tokens_css() + library_css())),
            # the host's province's icon, per request (several provinces may share the build)
            rx.el.link(rel="icon", href=FAVICON_PATH),
        ],
    )
    about = ident.tagline or ident.province
    for route in routes():
        application.add_page(
            route.page,
            route=route.path,
            title=title_var(route.title, f" - {ident.app_name}"),
            # what a search engine shows under the title: the page, the app, the province
            description=title_var(route.title, f" - {ident.app_name}，{about}"),
            on_load=route.on_load,
        )
    # Killed workers' tabs keep their state, the embedded mode keeps states across restarts,
    # the service notice clears with the next answer (app/resilience).
    install_resilience(application, NoticeState.get_full_name())
    install_security(application)
    install_outbox_retry(application)
    return application


def install_outbox_retry(application: rx.App) -> None:
    """Every worker syncs the back office (its status changes; one worker at a time, by a
    lease), retries the payment and delivery outboxes (orders the cashier did not get,
    refunds, dispatches) and pulls tracking on a timer, not only when a citizen opens a
    page; each row is claimed atomically, so all workers may run it (app/flow/outbox.py)."""
    from app.flow import outbox

    every = outbox.interval_s()  # a bad YIWANG_OUTBOX_INTERVAL_S stops the start, named

    async def outbox_retry() -> None:
        await outbox.run(every)

    application.register_lifespan_task(outbox_retry)


def install_security(application: rx.App) -> None:
    """The session cookie never enters state, events and connections are limited and their
    arguments checked (private hooks: app/security/session_cookie.py, limits.py); what exists
    already from before the umask becomes owner-only."""
    from reflex.config import get_config

    from app.security import guard, limits, session_cookie

    namespace = getattr(application, "_event_namespace", None)
    if namespace is not None:
        session_cookie.install(namespace)
        # the state that holds a tab's personal data, handed down (guard imports no state)
        guard.install(FlowAuthState, FlowAuthState.KEEP_ON_RESET, personal_key)
        guard.install_personal_guard(namespace)
        limits.install(namespace)
    root = Path(__file__).resolve().parent.parent
    db_url = get_config().db_url or ""
    import os

    states = Path(os.environ.get("REFLEX_STATES_WORKDIR") or ".states")
    files = Path(os.environ.get("YIWANG_FILES_DIR") or root / "private_files")
    paths = [files, states if states.is_absolute() else root / states, root / "reports"]
    if db_url.startswith("sqlite:///"):
        paths.append(Path(db_url.removeprefix("sqlite:///")))

    # owner-only from when the backend serves: states, database, private files, logs
    def owner_only_from_now() -> None:
        production.at_backend_start(*paths)

    application.register_lifespan_task(owner_only_from_now)


app = create_app()

# Everything built so far (pages, styles, catalogue metadata) lives as long as the process:
# move it out of the garbage collector's sight, so that a full collection under load scans
# only the objects of citizens' events (and forked workers share these pages unchanged).
gc.collect()
gc.freeze()
