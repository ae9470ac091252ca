"""The request context: the host resolved once into one immutable :class:`Province`, plus the
citizen's locale and session.

Everything below the Reflex states and the HTTP routes receives a :class:`RequestContext` (or
its :class:`Province`): a journey, a rule or a store never resolves a host, never looks a code up
in a global registry and never turns a code back into a folder. The states build the context
once per event (``app/state/context.py``), the HTTP routes once per request
(:func:`context_for`).

A province is a folder (``themes/<code>/`` built in, or anywhere through ``YIWANG_PROVINCE_DIR``
/ ``YIWANG_HOSTS``); its code is the folder's name and its GB/T 2260 prefix, names and
abbreviation come from ``theme.toml`` ``[identity]``. No Python lists provinces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.settings import theme_for_host
from app.text import SOURCE_LOCALE, request_locale
from themes import Theme

CATALOGUE_DIR = "catalogue"
CATALOGUE_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv")


@dataclass(frozen=True, slots=True, eq=False)
class Province:
    """A province as this instance serves it: code (folder name), GB/T 2260 prefix, names,
    its folder and its validated theme. One value per folder per process (compared by
    code and folder; :func:`of_theme` caches them)."""

    code: str
    prefix: str
    name: str
    short_name: str  # the one-character abbreviation, e.g. 鲁
    app_name: str
    folder: Path
    theme: Theme = field(repr=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Province) and (other.code, other.folder) == (
            self.code,
            self.folder,
        )

    def __hash__(self) -> int:
        return hash((self.code, self.folder))

    @property
    def division(self) -> str:
        """The province's GB/T 2260 division code (``37`` -> ``370000``)."""
        return self.prefix + "0000"

    @property
    def scope(self) -> str:
        """The catalogue scope: the area-code prefix every item of this province carries."""
        return self.prefix

    def owns_area(self, area_code: str) -> bool:
        """Is this area code (a 6- or 12-digit division code) inside the province?"""
        return area_code.startswith(self.prefix)

    def catalogue_files(self) -> list[Path]:
        """The folder's catalogue files (``catalogue/*.json|jsonl|csv``), in name order."""
        return catalogue_files_in(self.folder)


def catalogue_files_in(folder: Path) -> list[Path]:
    where = folder / CATALOGUE_DIR
    if not where.is_dir():
        return []
    return sorted(
        p for p in where.iterdir() if p.is_file() and p.suffix.lower() in CATALOGUE_SUFFIXES
    )


_BY_FOLDER: dict[Path, Province] = {}


def of_theme(theme: Theme) -> Province:
    """The :class:`Province` of a loaded theme (one value per folder, made anew when the
    folder's theme was loaded again)."""
    found = _BY_FOLDER.get(theme.folder)
    if found is None or found.theme is not theme:
        ident = theme.settings.identity
        found = Province(
            theme.code,
            ident.division,
            ident.province,
            ident.abbreviation,
            ident.app_name,
            theme.folder,
            theme,
        )
        _BY_FOLDER[theme.folder] = found
    return found


@dataclass(frozen=True, slots=True)
class RequestContext:
    """One event's or one HTTP request's view of who asks and where: the province the host
    resolves to, the citizen's locale, and the session secret of the ``yw_sid`` cookie ("" when
    signed out; never shown in a ``repr`` or a log)."""

    province: Province
    locale: str = SOURCE_LOCALE
    host: str = ""
    session_secret: str = field(default="", repr=False)
    #: who is asking, for the audit log: the client's address and the request id (a proxy's
    #: ``X-Request-ID`` or a new one); "" outside a request
    client: str = ""
    request_id: str = ""


def province_for_host(host: str) -> Province:
    """The one resolver: a ``Host`` header (port ignored) -> the province it is served as."""
    return of_theme(theme_for_host(host))


def context_for(
    host: str,
    locale_cookie: str | None = None,
    session_secret: str = "",
    *,
    client: str = "",
    request_id: str = "",
) -> RequestContext:
    """The context of a request from its ``Host`` header, locale cookie and session secret
    (and, for the audit log, the client's address and the request id)."""
    return RequestContext(
        province=province_for_host(host),
        locale=request_locale(locale_cookie),
        host=host.split(":", 1)[0].strip().lower(),
        session_secret=session_secret,
        client=client,
        request_id=request_id,
    )


def clear_caches() -> None:
    """Forget every Province value (tests that change the environment)."""
    _BY_FOLDER.clear()
