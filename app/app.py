"""Builds the Reflex app for the active province (``YIWANG_PROVINCE`` / ``YIWANG_PROVINCE_DIR``)."""

from __future__ import annotations

import sys
from pathlib import Path

import reflex as rx

from app.routes import routes
from app.settings import active_theme
from components.i18n import text_direction, title_var, write_catalogs
from components.runtime import boot_script
from components.styles import library_css, minify_css
from themes import ThemeError
from themes.elder import elder_css

# Non-default locales' catalogs, copied by Reflex with assets/ into the public folder.
CATALOG_DIR = Path(__file__).resolve().parent.parent / "assets" / "_generated" / "i18n"


def create_app() -> rx.App:
    try:
        theme = active_theme()
    except ThemeError as exc:  # stop the build with the file and field, not a traceback
        print(f"Yiwang cannot build this province: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    ident = theme.settings.identity
    version = write_catalogs(CATALOG_DIR, ident.locale)
    application = rx.App(
        html_lang=theme.html_lang,
        html_custom_attrs={
            "dir": text_direction(ident.locale),
            "data-province": theme.code,
            "data-mode": "standard",
        },
        reset_style=False,
        head_components=[
            boot_script(ident.locale, version),
            rx.el.style(minify_css(theme.css() + elder_css() + library_css())),
            rx.el.link(rel="icon", href=theme.mark_data_uri, type="image/svg+xml"),
            rx.el.meta(name="theme-color", content=theme.value("--yw-header-bg")),
        ],
    )
    for route in routes():
        application.add_page(
            route.page,
            route=route.path,
            title=title_var(route.title, f" - {ident.app_name}"),
            on_load=route.on_load,
        )
    return application


app = create_app()
