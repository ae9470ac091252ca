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

from app.flow.files.checks import (
    KINDS,
    OFD_MAX_PARTS,
    OFD_MAX_UNPACKED,
    OFD_PART_SUFFIXES,
    PDF_FORBIDDEN,
    Processed,
    ScanResult,
    UploadRefused,
    check,
    max_bytes,
    max_pixels,
    ofd_problem,
    pdf_problem,
    prepare,
    process,
    reencode,
    scan,
    sniff,
)
from app.flow.files.storage import (
    delete_unreferenced,
    files_dir,
    get,
    limit_problem,
    names,
    note_attempt,
    path_of,
    purge_orphans,
    referenced_ids,
    safe_name,
    save,
    store_file,
)

__all__ = [
    "KINDS",
    "OFD_MAX_PARTS",
    "OFD_MAX_UNPACKED",
    "OFD_PART_SUFFIXES",
    "PDF_FORBIDDEN",
    "Processed",
    "ScanResult",
    "UploadRefused",
    "check",
    "delete_unreferenced",
    "files_dir",
    "get",
    "limit_problem",
    "max_bytes",
    "max_pixels",
    "names",
    "note_attempt",
    "ofd_problem",
    "path_of",
    "pdf_problem",
    "prepare",
    "process",
    "purge_orphans",
    "reencode",
    "referenced_ids",
    "safe_name",
    "save",
    "scan",
    "sniff",
    "store_file",
]
