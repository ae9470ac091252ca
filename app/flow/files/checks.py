"""Citizens' materials, checked and cleaned before they are stored (``app.flow.files``): the
type by magic bytes, images re-encoded, PDFs and OFD packages inspected, the virus-scan hook,
all off the event loop in a bounded pool (:func:`process`)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import re
import shlex
import subprocess
import threading
import warnings
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

KINDS = {
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "application/pdf": {".pdf"},
    "application/ofd": {".ofd"},
}


def env_number(name: str, default: float) -> float:
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
    return int(env_number("YIWANG_UPLOAD_MAX_MEGAPIXELS", 40) * 1_000_000)


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


_executor: ThreadPoolExecutor | None = None
_POOL_LOCK = threading.Lock()
_in_flight = 0


def _workers() -> int:
    return int(env_number("YIWANG_UPLOAD_WORKERS", 2))


def _pool() -> ThreadPoolExecutor:
    global _executor
    with _POOL_LOCK:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=_workers(), thread_name_prefix="yw-upload")
        return _executor


async def process(name: str, data: bytes) -> Processed:
    """:func:`prepare` in the bounded upload pool; ``UploadRefused("busy")`` when
    ``YIWANG_UPLOAD_WORKERS`` files are being processed and as many again are waiting."""
    global _in_flight
    if 2 * _workers() <= _in_flight:
        raise UploadRefused("busy")
    _in_flight += 1
    try:
        return await asyncio.get_running_loop().run_in_executor(_pool(), prepare, name, data)
    finally:
        _in_flight -= 1
