"""Several provinces from one build: per-province content, scoped tokens, the head script.

With one province (the default) everything here is a no-op: pages render that province and
the tokens sit on ``:root``. With ``YIWANG_HOSTS`` every hosted province's tokens are scoped
by ``html[data-province="<code>"]``; province-specific content (brand, footer, home sections)
is rendered once per province inside ``<div data-only="<code>">`` and CSS shows only the
active one (hidden copies are ``display: none``, so out of the accessibility tree); a tiny
inline script at the top of ``<head>`` sets ``data-province`` from ``location.hostname``
before the body is parsed, so the first paint is already the right province.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import reflex as rx

from app.settings import active_theme, host_provinces, hosted_themes
from themes import Theme


def is_multi() -> bool:
    return len(hosted_themes()) > 1


def per_province(render: Callable[[Theme, str], rx.Component]) -> rx.Component:
    """``render(theme, id_suffix)`` for the one province, or for each hosted province.

    ``id_suffix`` ("" or "-<code>") keeps element ids unique across the copies.
    """
    themes = hosted_themes()
    if len(themes) == 1:
        return render(themes[0], "")
    return rx.fragment(
        *[
            rx.el.div(
                render(theme, f"-{theme.code}"),
                class_name="yw-only",
                custom_attrs={"data-only": theme.code},
            )
            for theme in themes
        ]
    )


def tokens_css() -> str:
    """Token CSS of the build: ``:root`` for one province, scoped rules for several."""
    themes = hosted_themes()
    if len(themes) == 1:
        return themes[0].css()
    css = "".join(theme.css(f'html[data-province="{theme.code}"]') for theme in themes)
    hidden = ",".join(
        f'html:not([data-province="{theme.code}"]) [data-only="{theme.code}"]' for theme in themes
    )
    return css + ".yw-only{display:contents}" + hidden + "{display:none}"


def head_script() -> str:
    """JS run at the top of <head>: province from the host name, then title and theme colour."""
    default = active_theme()
    provinces = {
        theme.code: [theme.settings.identity.app_name, theme.value("--yw-header-bg")]
        for theme in hosted_themes()
    }
    data = json.dumps(
        {"h": host_provinces(), "p": provinces, "d": default.settings.identity.app_name},
        ensure_ascii=False,
        separators=(",", ":"),
    ).replace("</", "<\\/")
    return (
        "(function(){var c=" + data + ",d=document.documentElement,"
        "k=c.h[location.hostname.toLowerCase()],p=k&&c.p[k];if(!p)return;"
        'd.setAttribute("data-province",k);'
        "function f(){var t=document.title;if(p[0]!==c.d&&t.indexOf(c.d)>=0)"
        "document.title=t.split(c.d).join(p[0]);"
        'var m=document.querySelector("meta[name=theme-color]");'
        "if(m&&m.content!==p[1])m.content=p[1]}"
        "new MutationObserver(f).observe(document.head,{subtree:true,childList:true,characterData:true});"
        "f()})()"
    )
