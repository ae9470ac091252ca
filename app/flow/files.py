"""Citizens' materials: checked, cleaned and stored privately; read back only by their owner.

* size: at most ``YIWANG_UPLOAD_MAX_MB`` (default 10) MB per file;
* type by magic bytes, never by name: JPEG, PNG, PDF, OFD (a ZIP whose root has ``OFD.xml``);
  a name whose extension claims another type is refused;
* images are re-encoded with Pillow (EXIF and other metadata dropped, orientation applied);
  an image of more than ``YIWANG_UPLOAD_MAX_MEGAPIXELS`` (default 40) megapixels is refused
  from its header, before any pixel is decoded (Pillow's own bomb warning is an error too);
* a PDF that carries JavaScript, embedded files or launch actions is refused (also when they
  hide in compressed object streams or behind ``#xx`` name escapes); an OFD package may hold
  only OFD parts (XML, images, fonts, signatures) under relative paths;
* a virus-scan hook runs before a file is stored: ``YIWANG_VIRUS_SCAN_CMD`` (for example
  ``clamdscan --no-summary -``) gets the bytes on stdin; exit 0 = clean, 1 = infected; the
  production settings require it (``app.security.production``);
* all of that runs off the event loop in a bounded pool (:func:`process`): at most
  ``YIWANG_UPLOAD_WORKERS`` (default 2) files at once, a few more waiting, the rest refused
  as busy, so that one citizen's uploads never stall another's search;
* per citizen: at most ``YIWANG_UPLOAD_FILES_PER_DRAFT`` (30) files per draft,
  ``YIWANG_UPLOAD_MB_PER_DAY`` (200) MB a day and ``YIWANG_UPLOADS_PER_MINUTE`` (12) uploads a
  minute (:func:`limit_problem`); a replaced material is deleted (:func:`delete_unreferenced`),
  and :func:`purge_orphans` deletes files that no draft or application names;
* files live under ``YIWANG_FILES_DIR`` (default ``private_files/`` in the checkout, git-ignored), outside
  Reflex's public ``uploaded_files``, under a random id; the database row names the owner.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import io
import os
import re
import secrets
import shlex
import subprocess
import threading
import time
import warnings
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from app.db import session_scope
from app.flow import store
from app.flow.tables import StoredFile

ROOT = Path(__file__).resolve().parents[2]
KINDS = {
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "application/pdf": {".pdf"},
    "application/ofd": {".ofd"},
}


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{name} must be above 0, got {raw!r}")
    return value


def max_pixels() -> int:
    return int(_number("YIWANG_UPLOAD_MAX_MEGAPIXELS", 40) * 1_000_000)


Image.MAX_IMAGE_PIXELS = max_pixels()  # and the explicit check in reencode()


class UploadRefused(ValueError):
    """The file is not accepted; ``code`` says why (the route turns it into a message)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


def max_bytes() -> int:
    raw = os.environ.get("YIWANG_UPLOAD_MAX_MB", "10")
    try:
        mb = float(raw)
    except ValueError:
        raise ValueError(f"YIWANG_UPLOAD_MAX_MB must be a number, got {raw!r}") from None
    return int(mb * 1024 * 1024)


def files_dir() -> Path:
    folder = Path(os.environ.get("YIWANG_FILES_DIR", ROOT / "private_files"))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def sniff(data: bytes) -> str | None:
    """The content type by magic bytes, or ``None``."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "OFD.xml" in archive.namelist():
                    return "application/ofd"
        except zipfile.BadZipFile:
            return None
    return None


def reencode(data: bytes, kind: str) -> bytes:
    """The image decoded and written again: pixels only, no EXIF, GPS or comments."""
    limit = max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _reencode(data, kind, limit)
    except UploadRefused:
        raise
    except (OSError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
            raise UploadRefused("pixels", str(exc)) from None
        raise UploadRefused("broken", str(exc)) from None
    except ValueError as exc:
        raise UploadRefused("broken", str(exc)) from None


def _reencode(data: bytes, kind: str, limit: int) -> bytes:
    with Image.open(io.BytesIO(data)) as img:
        width, height = img.size  # from the header: nothing decoded yet
        if width * height > limit:
            raise UploadRefused("pixels", f"{width}x{height}")
        img = ImageOps.exif_transpose(img)
        out = io.BytesIO()
        if kind == "image/jpeg":
            img.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
        else:
            keep = "RGBA" if img.mode in ("RGBA", "LA", "P") else "RGB"
            img.convert(keep).save(out, "PNG", optimize=True)
        return out.getvalue()


# -- documents ------------------------------------------------------------------------------
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)
_PDF_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]+")
_PDF_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")
#: names of active content a citizen's PDF must not carry
PDF_FORBIDDEN = {
    b"/JavaScript",
    b"/JS",
    b"/EmbeddedFile",
    b"/EmbeddedFiles",
    b"/Launch",
    b"/RichMedia",
    b"/XFA",
    b"/SubmitForm",
    b"/ImportData",
}
_PDF_INFLATE_LIMIT = 64 * 1024 * 1024


def _pdf_names(chunk: bytes) -> set[bytes]:
    return {
        _PDF_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
        for name in _PDF_NAME.findall(chunk)
    }


def pdf_problem(data: bytes) -> str | None:
    """Why this PDF must not be stored (active content), or ``None``."""
    chunks = [data]
    budget = _PDF_INFLATE_LIMIT
    for raw in _PDF_STREAM.findall(data):  # object streams can hide the dictionaries
        inflater = zlib.decompressobj()
        try:
            inflated = inflater.decompress(raw, budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        if budget <= 0 or inflater.unconsumed_tail:
            return "compressed streams too large to check"
        chunks.append(inflated)
    for chunk in chunks:
        if found := _pdf_names(chunk) & PDF_FORBIDDEN:
            return "active content " + ", ".join(sorted(n.decode() for n in found))
    return None


#: what an OFD package (GB/T 33190) holds: XML parts, images, fonts, signatures
OFD_PART_SUFFIXES = {
    ".xml",
    ".png",
    ".jpg",
    ".jpeg",
    ".bmp",
    ".tif",
    ".tiff",
    ".gif",
    ".jb2",
    ".ttf",
    ".otf",
    ".ttc",
    ".dat",
    ".esl",
    ".sig",
    ".p7s",
    ".der",
}
OFD_MAX_PARTS = 5000
OFD_MAX_UNPACKED = 256 * 1024 * 1024


def ofd_problem(data: bytes) -> str | None:
    """Why this OFD package must not be stored, or ``None``."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > OFD_MAX_PARTS:
                return f"{len(infos)} parts"
            if sum(i.file_size for i in infos) > OFD_MAX_UNPACKED:
                return "unpacks too large"
            for info in infos:
                name = info.filename
                if info.is_dir():
                    continue
                parts = name.split("/")
                if name.startswith("/") or "\\" in name or ".." in parts or ":" in name:
                    return f"part outside the package: {name!r}"
                if Path(name).suffix.lower() not in OFD_PART_SUFFIXES:
                    return f"not an OFD part: {name!r}"
            root = archive.read("OFD.xml")[:4096].lstrip(b"\xef\xbb\xbf \r\n\t")
            if not root.startswith(b"<") or b"OFD" not in root:
                return "OFD.xml is not an OFD document"
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, NotImplementedError) as exc:
        return f"unreadable package ({type(exc).__name__})"
    return None


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    verdict: str


def scan(data: bytes) -> ScanResult:
    """The virus-scan hook (see the module docstring)."""
    command = os.environ.get("YIWANG_VIRUS_SCAN_CMD", "").strip()
    if not command:
        return ScanResult(True, "unscanned")
    try:
        done = subprocess.run(shlex.split(command), input=data, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UploadRefused("scan_failed", str(exc)) from None
    if done.returncode == 0:
        return ScanResult(True, "clean")
    if done.returncode == 1:
        return ScanResult(False, "infected")
    raise UploadRefused("scan_failed", done.stderr.decode(errors="replace")[:200])


def check(name: str, data: bytes) -> tuple[str, bytes]:
    """Refuse what must not be stored; return the content type and the bytes to keep."""
    if not data:
        raise UploadRefused("empty")
    if len(data) > max_bytes():
        raise UploadRefused("too_large", f"{len(data)} bytes")
    kind = sniff(data)
    if kind is None:
        raise UploadRefused("type")
    suffix = Path(name).suffix.lower()
    if suffix and suffix not in KINDS[kind]:
        raise UploadRefused("mismatch", f"{suffix} but content is {kind}")
    if kind.startswith("image/"):
        data = reencode(data, kind)
    elif (kind == "application/pdf" and (problem := pdf_problem(data))) or (
        kind == "application/ofd" and (problem := ofd_problem(data))
    ):
        raise UploadRefused("active", problem)
    return kind, data


# -- off the event loop ---------------------------------------------------------------------
@dataclass(frozen=True)
class Processed:
    kind: str
    data: bytes
    sha256: str
    verdict: str


def prepare(name: str, data: bytes) -> Processed:
    """Check, clean, hash and scan (blocking: call :func:`process` from async code)."""
    kind, cleaned = check(name, data)
    verdict = scan(cleaned)
    if not verdict.clean:
        raise UploadRefused("infected")
    return Processed(kind, cleaned, hashlib.sha256(cleaned).hexdigest(), verdict.verdict)


_POOL: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()
_IN_FLIGHT = 0


def _workers() -> int:
    return int(_number("YIWANG_UPLOAD_WORKERS", 2))


def _pool() -> ThreadPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=_workers(), thread_name_prefix="yw-upload")
        return _POOL


async def process(name: str, data: bytes) -> Processed:
    """:func:`prepare` in the bounded upload pool; ``UploadRefused("busy")`` when
    ``YIWANG_UPLOAD_WORKERS`` files are being processed and as many again are waiting."""
    global _IN_FLIGHT
    if 2 * _workers() <= _IN_FLIGHT:
        raise UploadRefused("busy")
    _IN_FLIGHT += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(_pool(), prepare, name, data)
    finally:
        _IN_FLIGHT -= 1


# -- per-citizen limits ---------------------------------------------------------------------
_RECENT: dict[str, collections.deque[float]] = {}
_RECENT_LOCK = threading.Lock()


def note_attempt(owner: str, at: float | None = None) -> bool:
    """Count an upload attempt; ``False`` when the owner is over the per-minute limit."""
    at = time.monotonic() if at is None else at
    per_minute = int(_number("YIWANG_UPLOADS_PER_MINUTE", 12))
    with _RECENT_LOCK:
        recent = _RECENT.setdefault(owner, collections.deque())
        while recent and at - recent[0] > 60:
            recent.popleft()
        if len(recent) >= per_minute:
            return False
        recent.append(at)
        if len(_RECENT) > 10_000:  # forget owners idle for a minute
            for key in [k for k, v in _RECENT.items() if not v or at - v[-1] > 60]:
                _RECENT.pop(key, None)
        return True


def limit_problem(owner: str, item_code: str | None, size: int) -> str | None:
    """``"per_draft"`` or ``"per_day"`` when storing ``size`` more bytes would exceed the
    owner's limits, else ``None``."""
    from sqlmodel import col, func, select

    per_draft = int(_number("YIWANG_UPLOAD_FILES_PER_DRAFT", 30))
    per_day = int(_number("YIWANG_UPLOAD_MB_PER_DAY", 200) * 1024 * 1024)
    since = store.now() - timedelta(days=1)
    with session_scope() as s:
        if item_code is not None:
            count = s.exec(
                select(func.count())
                .select_from(StoredFile)
                .where(StoredFile.owner == owner, StoredFile.item_code == item_code)
            ).one()
            if count >= per_draft:
                return "per_draft"
        used = s.exec(
            select(func.coalesce(func.sum(StoredFile.size), 0)).where(
                StoredFile.owner == owner, col(StoredFile.created_at) >= since
            )
        ).one()
        if int(used) + size > per_day:
            return "per_day"
    return None


def safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip() or "file"
    return "".join(c for c in base if c.isprintable() and c not in '<>:"/\\|?*')[:120] or "file"


def save(owner: str, name: str, data: bytes, item_code: str | None = None) -> StoredFile:
    """Check and store (blocking; the upload route uses :func:`process` and :func:`store_file`)."""
    return store_file(owner, name, prepare(name, data), item_code)


def store_file(owner: str, name: str, done: Processed, item_code: str | None = None) -> StoredFile:
    file_id = secrets.token_hex(16)
    path = files_dir() / file_id
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(done.data)
    row = StoredFile(
        id=file_id,
        owner=owner,
        name=safe_name(name),
        content_type=done.kind,
        size=len(done.data),
        sha256=done.sha256,
        scan=done.verdict,
        created_at=store.now(),
        item_code=item_code,
    )
    with session_scope() as s:
        s.add(row)
        s.commit()
        s.refresh(row)
    return row


def get(owner: str, file_id: str) -> StoredFile:
    """The owner's file row, or :class:`store.NotFound` (also for other people's files)."""
    with session_scope() as s:
        row = s.get(StoredFile, file_id)
        if row is None or row.owner != owner:
            raise store.NotFound(f"no file {file_id} of this user", foreign=row is not None)
        return row


def names(owner: str, ids: list[str]) -> dict[str, str]:
    from sqlmodel import col, select

    if not ids:
        return {}
    with session_scope() as s:
        rows = s.exec(
            select(StoredFile).where(col(StoredFile.id).in_(ids), StoredFile.owner == owner)
        ).all()
        return {r.id: r.name for r in rows}


def path_of(row: StoredFile) -> Path:
    return files_dir() / row.id


# -- deletion -------------------------------------------------------------------------------
_FILE_ID = re.compile(r"^[0-9a-f]{32}$")


def referenced_ids(values: Any) -> set[str]:
    """Every stored-file id named in a draft's or an application's answers."""
    found: set[str] = set()
    stack = [values]
    while stack:
        value = stack.pop()
        if isinstance(value, str) and _FILE_ID.match(value):
            found.add(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return found


def _in_use(s: Any, owner: str | None) -> set[str]:
    from sqlmodel import select

    from app.flow.tables import Application, Draft

    used: set[str] = set()
    for table in (Draft, Application):
        stmt = select(table.values)
        if owner is not None:
            stmt = stmt.where(table.owner == owner)
        for values in s.exec(stmt).all():
            used |= referenced_ids(values)
    return used


def _remove(s: Any, rows: list[StoredFile]) -> int:
    """Delete these files and their rows; how many rows this call deleted. One DELETE by id:
    two uploads replacing the same material at once may both remove the file it replaced,
    and the second then finds nothing to delete (which is not an error)."""
    import sqlalchemy as sa
    from sqlmodel import col

    if not rows:
        return 0
    for row in rows:
        (files_dir() / row.id).unlink(missing_ok=True)
    done = s.execute(sa.delete(StoredFile).where(col(StoredFile.id).in_([r.id for r in rows])))
    s.commit()
    return int(getattr(done, "rowcount", 0) or 0)


def delete_unreferenced(owner: str, ids: list[str]) -> int:
    """Delete these files of ``owner`` that no draft or application of theirs names (a
    replaced material, a deleted draft's files); returns how many."""
    from sqlmodel import col, select

    ids = [i for i in ids if isinstance(i, str) and _FILE_ID.match(i)]
    if not ids:
        return 0
    with session_scope() as s:
        used = _in_use(s, owner)
        rows = s.exec(
            select(StoredFile).where(col(StoredFile.id).in_(ids), StoredFile.owner == owner)
        ).all()
        return _remove(s, [r for r in rows if r.id not in used])


def purge_orphans(older_than: timedelta = timedelta(days=1)) -> int:
    """Delete files older than ``older_than`` that no draft or application names (uploads
    whose draft expired or was never saved), and files on disk without a row."""
    from sqlmodel import col, select

    with session_scope() as s:
        used = _in_use(s, None)
        cutoff = store.now() - older_than
        rows = s.exec(select(StoredFile).where(col(StoredFile.created_at) < cutoff)).all()
        removed = _remove(s, [r for r in rows if r.id not in used])
        known = set(s.exec(select(StoredFile.id)).all())
    for path in files_dir().iterdir():
        stale = path.stat().st_mtime < time.time() - older_than.total_seconds()
        if _FILE_ID.match(path.name) and path.name not in known and stale:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
