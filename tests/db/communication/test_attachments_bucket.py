"""The private `attachments` bucket: participants only, inside `<conversation_id>/`, with the
bucket's size and MIME limits; uploaders replace and delete their own files."""

from __future__ import annotations

import pytest

from tests.support.comms import start_conversation


@pytest.fixture
def files(db):
    users = {n: db.create_user(f"{n}@example.test") for n in ("ada", "bob", "eve")}
    cid = start_conversation(db, users["ada"], users["bob"])
    path = f"{cid}/brief.pdf"
    db.as_user(users["ada"]).one(UPLOAD, (path, users["ada"].id))
    return {**users, "cid": cid, "path": path}


UPLOAD = "insert into storage.objects (bucket_id, name, owner_id) values ('attachments', %s, %s) returning id"


@pytest.mark.rule("STORE-BUCKETS")
def test_bucket_is_private_with_size_and_type_limits(db):
    [(public, limit, types)] = db.execute(
        "select public, file_size_limit, allowed_mime_types from storage.buckets where id = 'attachments'")
    assert public is False and limit == 25 * 1024 * 1024
    assert {"image/png", "application/pdf", "text/plain", "application/zip"} <= set(types)
    assert "application/x-msdownload" not in types


COMMANDS = {
    "read": "select id from storage.objects where bucket_id = 'attachments' and name = %(path)s",
    "upload": "insert into storage.objects (bucket_id, name, owner_id) "
              "values ('attachments', %(cid)s || '/notes.txt', %(uid)s) returning id",
    "replace": "update storage.objects set metadata = '{}' where bucket_id = 'attachments' and name = %(path)s "
               "returning id",
    "delete": "delete from storage.objects where bucket_id = 'attachments' and name = %(path)s returning id",
}


@pytest.mark.rule("STORE-ATTACHMENTS")
@pytest.mark.parametrize(("actor", "command", "expected"), [
    ("anon", "read", 0), ("anon", "upload", "42501"), ("anon", "replace", 0), ("anon", "delete", 0),
    ("ada", "read", 1), ("ada", "upload", 1), ("ada", "replace", 1), ("ada", "delete", 1),
    ("bob", "read", 1), ("bob", "upload", 1), ("bob", "replace", 0), ("bob", "delete", 0),
    ("eve", "read", 0), ("eve", "upload", "42501"), ("eve", "replace", 0), ("eve", "delete", 0),
])
def test_attachments_matrix(db, files, actor, command, expected):
    who = db.as_anon() if actor == "anon" else db.as_user(files[actor])
    uid = files[actor].id if actor != "anon" else None
    params = {"path": files["path"], "cid": files["cid"], "uid": uid}
    who.expect(expected, COMMANDS[command], params)


@pytest.mark.rule("STORE-ATTACHMENTS")
@pytest.mark.parametrize("name", ["loose.pdf", "not-a-uuid/x.pdf", "{cid}/virus.exe", "{other}/x.pdf"])
def test_uploads_outside_a_shared_folder_or_of_other_types_are_refused(db, files, name):
    other = start_conversation(db, files["eve"], files["bob"])
    path = name.replace("{cid}", files["cid"]).replace("{other}", other)
    db.as_user(files["ada"]).rejects("42501", UPLOAD, (path, files["ada"].id))


@pytest.mark.rule("STORE-ATTACHMENTS")
def test_an_upload_cannot_move_out_of_the_conversation_folder(db, files):
    other = start_conversation(db, files["ada"], files["eve"])
    moved = db.as_user(files["bob"]).sql(
        "update storage.objects set name = %s where name = %s returning id", (f"{other}/brief.pdf", files["path"]))
    assert moved == []
    db.as_user(files["ada"]).rejects(
        "42501", "update storage.objects set name = 'elsewhere/brief.pdf' where name = %s returning id",
        (files["path"],))
