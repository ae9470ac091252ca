"""Citizens' materials, stored (``app.flow.files``): private files under a random id, their
rows, the per-citizen limits, and deletion of files that nothing names any more."""

from __future__ import annotations

import collections
import os
import re
import secrets
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from app.db import session_scope
from app.flow import store
from app.flow.files.checks import Processed, env_number, prepare
from app.flow.tables import Application, Draft, StoredFile

ROOT = Path(__file__).resolve().parents[3]


def files_dir() -> Path:
    folder = Path(os.environ.get("YIWANG_FILES_DIR", ROOT / "private_files"))
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


# -- per-citizen limits ---------------------------------------------------------------------
_RECENT: dict[str, collections.deque[float]] = {}
_RECENT_LOCK = threading.Lock()


def note_attempt(owner: str, at: float | None = None) -> bool:
    """Count an upload attempt; ``False`` when the owner is over the per-minute limit."""
    at = time.monotonic() if at is None else at
    per_minute = int(env_number("YIWANG_UPLOADS_PER_MINUTE", 12))
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
    per_draft = int(env_number("YIWANG_UPLOAD_FILES_PER_DRAFT", 30))
    per_day = int(env_number("YIWANG_UPLOAD_MB_PER_DAY", 200) * 1024 * 1024)
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
    stack: list[object] = [values]
    while stack:
        value = stack.pop()
        if isinstance(value, str) and _FILE_ID.match(value):
            found.add(value)
        elif isinstance(value, dict):
            stack.extend(cast("dict[object, object]", value).values())
        elif isinstance(value, list | tuple):
            stack.extend(cast("list[object] | tuple[object, ...]", value))
    return found


def _in_use(s: Session, owner: str | None) -> set[str]:
    used: set[str] = set()
    for table in (Draft, Application):
        stmt = select(col(table.values))
        if owner is not None:
            stmt = stmt.where(table.owner == owner)
        for values in s.exec(stmt).all():
            used |= referenced_ids(values)
    return used


def _remove(s: Session, rows: list[StoredFile]) -> int:
    """Delete these files and their rows; how many rows this call deleted. One DELETE by id:
    two uploads replacing the same material at once may both remove the file it replaced,
    and the second then finds nothing to delete (which is not an error)."""
    if not rows:
        return 0
    for row in rows:
        (files_dir() / row.id).unlink(missing_ok=True)
    done = s.exec(sa.delete(StoredFile).where(col(StoredFile.id).in_([r.id for r in rows])))
    s.commit()
    return int(done.rowcount or 0)


def delete_unreferenced(owner: str, ids: list[str]) -> int:
    """Delete these files of ``owner`` that no draft or application of theirs names (a
    replaced material, a deleted draft's files); returns how many."""
    ids = [i for i in ids if _FILE_ID.match(i)]
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
