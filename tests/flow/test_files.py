"""Uploads: size limit, magic bytes, lying extensions, metadata stripped, scan hook; and the
/flow/files routes refuse anyone but the owner."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image
from sqlmodel import Session

from app.domain.identity import Identity
from app.flow import files
from app.flow.files import storage
from app.flow.http import flow_api
from app.flow.store import drafts, sessions
from tests.asgi import ASGIClient

ALICE = Identity("alice", "张三", "37010219850312002X", "13800135678", 3)
BOB = Identity("bob", "李秀英", "370202195208170042", "13905321234", 2)
ITEM = "001018000000-370102000000-000-11370102010133958H-8-00"
#: the upload of 近期免冠证件照片 in that item's form (the derived part of its extended form)
PHOTO = "material_3"


def jpeg_with_exif() -> bytes:
    img = Image.new("RGB", (40, 30), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (36.0, 40.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def ofd() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD/>")
    return out.getvalue()


def test_magic_bytes_decide_the_type() -> None:
    assert files.sniff(jpeg_with_exif()) == "image/jpeg"
    assert files.sniff(b"%PDF-1.7\n") == "application/pdf"
    assert files.sniff(ofd()) == "application/ofd"
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as archive:
        archive.writestr("a.txt", "x")
    assert files.sniff(plain_zip.getvalue()) is None
    assert files.sniff(b"MZ\x90\x00") is None  # an executable


def test_lying_extension_oversize_and_unknown_type_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with pytest.raises(files.UploadRefused) as err:
        files.check("photo.jpg", b"%PDF-1.4 x")
    assert err.value.code == "mismatch"
    with pytest.raises(files.UploadRefused) as err:
        files.check("x.exe", b"MZ\x90\x00")
    assert err.value.code == "type"
    monkeypatch.setenv("YIWANG_UPLOAD_MAX_MB", "0.001")
    with pytest.raises(files.UploadRefused) as err:
        files.check("a.pdf", b"%PDF-" + b"0" * 2000)
    assert err.value.code == "too_large"
    monkeypatch.setenv("YIWANG_UPLOAD_MAX_MB", "ten")
    with pytest.raises(ValueError, match="YIWANG_UPLOAD_MAX_MB must be a number"):
        files.max_bytes()


def test_images_are_reencoded_without_metadata() -> None:
    original = jpeg_with_exif()
    assert b"SecretCam" in original
    kind, kept = files.check("me.jpg", original)
    assert kind == "image/jpeg"
    assert b"SecretCam" not in kept
    with Image.open(io.BytesIO(kept)) as img:
        assert not img.getexif()
        assert img.size == (40, 30)


def test_broken_image_is_refused() -> None:
    with pytest.raises(files.UploadRefused) as err:
        files.check("x.png", b"\x89PNG\r\n\x1a\n" + b"garbage")
    assert err.value.code == "broken"


def test_scan_hook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YIWANG_VIRUS_SCAN_CMD", "false")  # exit 1 = infected
    assert files.scan(b"x") == files.ScanResult(False, "infected")
    monkeypatch.setenv("YIWANG_VIRUS_SCAN_CMD", "true")
    assert files.scan(b"x") == files.ScanResult(True, "clean")
    monkeypatch.setenv("YIWANG_VIRUS_SCAN_CMD", "sh -c 'exit 2'")
    with pytest.raises(files.UploadRefused) as err:
        files.scan(b"x")
    assert err.value.code == "scan_failed"


def _client(identity: Identity, db: Session) -> ASGIClient:
    client = ASGIClient(flow_api(), base_url="http://testserver")
    client.cookies.set("yw_sid", sessions.open_session(identity, db))
    return client


def _upload(client: ASGIClient, data: bytes, name: str = "me.png", field: str = PHOTO):
    return client.post(
        "/flow/files",
        data={"item": ITEM, "field": field},
        files={"file": (name, data, "application/octet-stream")},
        headers={"X-Yiwang-Upload": "1"},
    )


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG")
    return out.getvalue()


def test_upload_goes_into_the_owners_draft_and_only_the_owner_reads_it(
    province_catalogue: Session, flow_db: Session, tmp_path, monkeypatch
) -> None:
    import json

    audit_log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("YIWANG_AUDIT_LOG", str(audit_log))
    drafts.save_draft("alice", ITEM, "001018000000", "居民身份证换领", {}, 3, flow_db)
    alice, bob = _client(ALICE, flow_db), _client(BOB, flow_db)
    answer = _upload(alice, _png())
    assert answer.status_code == 200, answer.text
    file_id = answer.json()["id"]
    flow_db.expire_all()
    assert drafts.get_draft("alice", ITEM, flow_db).values[PHOTO] == file_id
    own = alice.get(f"/flow/files/{file_id}")
    assert own.status_code == 200
    assert own.headers["content-type"] == "image/png"
    assert own.headers["x-content-type-options"] == "nosniff"
    assert bob.get(f"/flow/files/{file_id}").status_code == 404
    assert ASGIClient(flow_api()).get(f"/flow/files/{file_id}").status_code == 401
    # bob's attempt is in the audit log; alice's own reads and unknown ids are not
    assert bob.get("/flow/files/no-such-file").status_code == 404
    (line,) = [json.loads(x) for x in audit_log.read_text().splitlines()]
    assert (line["event"], line["outcome"], line["detail"]) == (
        "cross_citizen_access",
        "denied",
        "file",
    )


def test_upload_needs_the_header_a_session_and_a_file_field_of_an_own_draft(
    province_catalogue: Session,
    flow_db: Session,
) -> None:
    drafts.save_draft("alice", ITEM, "001018000000", "居民身份证换领", {}, 3, flow_db)
    alice, bob = _client(ALICE, flow_db), _client(BOB, flow_db)
    no_header = alice.post("/flow/files", data={"item": ITEM, "field": PHOTO})
    assert no_header.status_code == 403
    cross_site = alice.post(
        "/flow/files",
        data={"item": ITEM, "field": PHOTO},
        headers={"X-Yiwang-Upload": "1", "Origin": "https://evil.example"},
    )
    assert cross_site.status_code == 403
    assert _upload(bob, _png()).status_code == 404  # bob has no draft for the item
    assert _upload(alice, _png(), field="reason").status_code == 404  # not a file field
    refused = _upload(alice, b"%PDF-1.4", name="photo.jpg")
    assert refused.status_code == 422
    assert refused.json()["message"] == "文件的扩展名和内容不符，请上传原始文件。"
    anonymous = ASGIClient(flow_api()).post(
        "/flow/files", data={"item": ITEM, "field": PHOTO}, headers={"X-Yiwang-Upload": "1"}
    )
    assert anonymous.status_code == 401


DERIVED = "027018000000-370211000000-000-11370211459939353K-8-00"  # 无犯罪记录证明, derived


def test_uploads_into_a_derived_draft_only_for_its_materials_and_its_owner(
    province_catalogue: Session,
    flow_db: Session,
) -> None:
    """The upload route finds derived forms as the wizard does (by the item's record)."""
    drafts.save_draft("alice", DERIVED, "027018000000", "无犯罪记录证明", {}, 2, flow_db)
    alice, bob = _client(ALICE, flow_db), _client(BOB, flow_db)

    def upload(client: ASGIClient, field: str):
        return client.post(
            "/flow/files",
            data={"item": DERIVED, "field": field},
            files={"file": ("id.png", _png(), "image/png")},
            headers={"X-Yiwang-Upload": "1"},
        )

    answer = upload(alice, "material_1")
    assert answer.status_code == 200, answer.text
    flow_db.expire_all()
    assert drafts.get_draft("alice", DERIVED, flow_db).values["material_1"] == answer.json()["id"]
    assert upload(alice, "situation_1").status_code == 404  # a question, not a material
    assert upload(alice, "material_9").status_code == 404  # no such material
    assert upload(bob, "material_1").status_code == 404  # bob has no draft of this item
    # a draft whose form key does not match the item's form is not written to
    drafts.save_draft("bob", DERIVED, "001018000000", "x", {}, 2, flow_db)
    assert upload(bob, "material_1").status_code == 404


def test_the_load_generators_upload_is_the_pages_post(
    province_catalogue: Session, flow_db: Session
) -> None:
    """scripts/loadgen's flow journey posts a material as the page's script does; over real
    HTTP on loopback it lands in the draft (and a missing draft is a 404 it names)."""
    import asyncio

    import aiohttp

    from scripts.loadgen.citizen import Citizen, Target
    from scripts.loadgen.flow import flow_upload
    from scripts.loadgen.record import FlowRecord
    from scripts.loadgen.report import Stats
    from tests.sandbox_server import serve

    drafts.save_draft("alice", ITEM, "001018000000", "居民身份证换领", {}, 3, flow_db)
    cookie = sessions.open_session(ALICE, flow_db)

    async def upload(url: str, who: str) -> tuple[str | None, Stats]:
        stats = Stats()
        async with aiohttp.ClientSession() as http:
            citizen = Citizen(Target(url, [], []), stats, http)
            citizen.cookie = cookie
            return await flow_upload(citizen, FlowRecord(who, ITEM), PHOTO), stats

    with serve(flow_api()) as url:
        stored, stats = asyncio.run(upload(url, "alice"))
        assert stored and not stats.errors
        flow_db.expire_all()
        assert drafts.get_draft("alice", ITEM, flow_db).values[PHOTO] == stored
        draft = drafts.get_draft("alice", ITEM, flow_db)
        assert draft is not None and draft.id is not None
        drafts.delete_draft("alice", draft.id, flow_db)
        missing, stats = asyncio.run(upload(url, "alice"))
    assert missing is None
    assert [k for k in stats.errors if k.startswith("upload: HTTP 404")]


def test_a_file_two_uploads_replaced_at_once_is_removed_once(flow_db: Session) -> None:
    # two uploads of the same material, both replacing the file before them: each removes
    # it, and the second finds nothing left to delete (no error, nothing else removed)
    from sqlmodel import select

    from app.flow.tables import StoredFile

    old = files.save("alice", "a.png", files_png(), ITEM)
    kept = files.save("alice", "b.png", files_png(), ITEM)
    engine = flow_db.get_bind()
    with Session(engine) as first, Session(engine) as second:
        stale = second.get(StoredFile, old.id)
        assert stale is not None
        assert files.delete_unreferenced("alice", [old.id]) == 1
        assert not files.path_of(old).exists()
        assert storage._remove(second, [stale]) == 0  # already gone: not an error
        assert first.exec(select(StoredFile).where(StoredFile.id == kept.id)).first()


def files_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()
