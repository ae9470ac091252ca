"""Translation entry points for every user-visible string (Babel catalogs in ``locales/``).

``t("…")`` and ``nt("…", "…", n)`` are the only ways components and pages produce text; their
message ids are the zh_Hans source strings, extracted by ``pybabel extract -k t -k nt:1,2``.
Placeholders are named: ``t("共 {count} 项", count=3)``.
"""

from __future__ import annotations

import json
from pathlib import Path

from babel.support import NullTranslations, Translations
from reflex.vars.base import Var, VarData

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
SOURCE_LOCALE = "zh_Hans"
DOMAIN = "messages"

_active: NullTranslations = NullTranslations()
_active_code: str = SOURCE_LOCALE


class MissingCatalogError(RuntimeError):
    """A locale was asked for whose compiled catalog does not exist."""


def activate(locale: str) -> None:
    """Make ``locale`` the language ``t`` translates into (the build's default language)."""
    global _active, _active_code
    mo = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if mo.is_file():
        with mo.open("rb") as fh:
            _active = Translations(fh, domain=DOMAIN)
    elif locale == SOURCE_LOCALE:
        _active = NullTranslations()  # the source strings are zh_Hans already
    else:
        raise MissingCatalogError(
            f"no compiled catalog for locale {locale!r} at {mo}; run `make translations`"
        )
    _active_code = locale


def active_locale() -> str:
    return _active_code


def t(message: str, /, **params: object) -> str:
    """Translate ``message`` and fill its named ``{placeholders}``."""
    text = _active.gettext(message)
    return text.format(**params) if params else text


def nt(singular: str, plural: str, n: int, /, **params: object) -> str:
    """Translate a message whose form depends on the count ``n`` (available as ``{n}``)."""
    text = _active.ngettext(singular, plural, n)
    return text.format(n=n, **params)


def t_var(message: str, /, **params: Var) -> Var:
    """Translate ``message`` now and fill its ``{placeholders}`` in the browser from state vars.

    The whole sentence stays one message, so translators can move the placeholders.
    """
    expr = json.dumps(t(message), ensure_ascii=False)
    var_data = []
    for name, value in params.items():
        if f"{{{name}}}" not in message:
            raise ValueError(f"message {message!r} has no placeholder {{{name}}}")
        expr += f".replaceAll({json.dumps('{' + name + '}')}, String({value}))"
        var_data.append(value._get_all_var_data())
    return Var(_js_expr=expr, _var_type=str, _var_data=VarData.merge(*var_data))
