"""Citizens' materials: checked, cleaned and stored privately; read back only by their owner.

* size: at most ``YIWANG_UPLOAD_MAX_MB`` (default 10) MB per file;
* type by magic bytes, never by name: JPEG, PNG, PDF, OFD (a ZIP whose root has ``OFD.xml``);
  a name whose extension claims another type is refused;
* images are re-encoded with Pillow (EXIF and other metadata dropped, orientation applied);
* a virus-scan hook runs before a file is stored: ``YIWANG_VIRUS_SCAN_CMD`` (for example
  ``clamdscan --no-summary -``) gets the bytes on stdin; exit 0 = clean, 1 = infected;
* files live under ``YIWANG_FILES_DIR`` (default ``private_files/`` in the checkout, git-ignored), outside
  Reflex's public ``uploaded_files``, under a random id; the database row names the owner.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import shlex
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

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
Image.MAX_IMAGE_PIXELS = 40_000_000  # larger images raise (decompression bombs)


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
    try:
        with Image.open(io.BytesIO(data)) as img:
            img = ImageOps.exif_transpose(img)
            out = io.BytesIO()
            if kind == "image/jpeg":
                img.convert("RGB").save(out, "JPEG", quality=90, optimize=True)
            else:
                keep = "RGBA" if img.mode in ("RGBA", "LA", "P") else "RGB"
                img.convert(keep).save(out, "PNG", optimize=True)
            return out.getvalue()
    except (OSError, Image.DecompressionBombError, ValueError) as exc:
        raise UploadRefused("broken", str(exc)) from None


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
    return kind, data


def safe_name(name: str) -> str:
    base = Path(name.replace("\\", "/")).name.strip() or "file"
    return "".join(c for c in base if c.isprintable() and c not in '<>:"/\\|?*')[:120] or "file"


def save(owner: str, name: str, data: bytes) -> StoredFile:
    kind, cleaned = check(name, data)
    verdict = scan(cleaned)
    if not verdict.clean:
        raise UploadRefused("infected")
    file_id = secrets.token_hex(16)
    (files_dir() / file_id).write_bytes(cleaned)
    row = StoredFile(
        id=file_id,
        owner=owner,
        name=safe_name(name),
        content_type=kind,
        size=len(cleaned),
        sha256=hashlib.sha256(cleaned).hexdigest(),
        scan=verdict.verdict,
        created_at=store.now(),
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
