"""Storage buckets avatars, portfolio and resumes: folders, limits, who reads what."""

from __future__ import annotations

import pytest

from tests.support.marketplace import apply_to, create_gig

UPLOAD = "insert into storage.objects (bucket_id, name, owner_id) values (%s, %s, %s) returning name"
LIST = "select name from storage.objects where bucket_id = %s order by name"


def upload(caller, bucket, user, filename="file.pdf", folder=None):
    return caller.one(UPLOAD, (bucket, f"{folder or user.id}/{filename}", user.id))


@pytest.mark.rule("STORE-BUCKETS")
@pytest.mark.parametrize("bucket, public, limit, types", [
    ("avatars", True, 5 * 1024 * 1024, {"image/jpeg", "image/png", "image/webp", "image/gif"}),
    ("portfolio", True, 10 * 1024 * 1024, {"image/jpeg", "image/png", "image/webp", "image/gif", "application/pdf"}),
    ("resumes", False, 10 * 1024 * 1024,
     {"application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}),
])
def test_bucket_limits(db, bucket, public, limit, types):
    row = db.execute("select public, file_size_limit, allowed_mime_types from storage.buckets where id = %s",
                     (bucket,))
    assert row and row[0][0] == public and row[0][1] == limit and set(row[0][2]) == types


@pytest.mark.rule("STORE-OWN-FOLDER")
@pytest.mark.parametrize("bucket", ["avatars", "portfolio", "resumes"])
def test_owner_uploads_lists_replaces_and_deletes_in_own_folder(db, applicant, bucket):
    me = db.as_user(applicant)
    name = upload(me, bucket, applicant)["name"]
    assert me.sql(LIST, (bucket,)) == [{"name": name}]
    assert me.one("update storage.objects set metadata = '{}' where name = %s returning name", (name,))
    assert me.one("delete from storage.objects where name = %s returning name", (name,))


@pytest.mark.rule("STORE-OWN-FOLDER")
@pytest.mark.parametrize("bucket", ["avatars", "portfolio", "resumes"])
def test_nobody_uploads_into_another_users_folder(db, applicant, stranger, bucket):
    db.as_user(stranger).rejects("42501", UPLOAD, (bucket, f"{applicant.id}/x.pdf", stranger.id))
    db.as_user(stranger).rejects("42501", UPLOAD, (bucket, "x.pdf", stranger.id))  # no folder at all
    db.as_anon().rejects("42501", UPLOAD, (bucket, f"{applicant.id}/x.pdf", None))


@pytest.mark.rule("STORE-OWN-FOLDER", "STORE-NO-LISTING")
@pytest.mark.parametrize("bucket", ["avatars", "portfolio", "resumes"])
def test_nobody_lists_changes_or_deletes_another_users_files(db, applicant, stranger, bucket):
    upload(db.as_user(applicant), bucket, applicant)
    other = db.as_user(stranger)
    assert other.sql(LIST, (bucket,)) == []
    other.affects_nothing("update storage.objects set metadata = '{}' where bucket_id = %s returning name", (bucket,))
    other.affects_nothing("delete from storage.objects where bucket_id = %s returning name", (bucket,))
    assert db.as_anon().sql(LIST, (bucket,)) == []


@pytest.mark.rule("STORE-RESUMES-READ")
def test_resume_visible_to_posters_the_owner_applied_to(db, poster, applicant, stranger):
    upload(db.as_user(applicant), "resumes", applicant, "cv.pdf")
    gig = create_gig(db.as_user(poster))
    assert db.as_user(poster).sql(LIST, ("resumes",)) == []
    apply_to(db.as_user(applicant), gig["id"])
    assert db.as_user(poster).sql(LIST, ("resumes",)) == [{"name": f"{applicant.id}/cv.pdf"}]
    assert db.as_user(stranger).sql(LIST, ("resumes",)) == []


@pytest.mark.rule("STORE-RESUMES-READ")
def test_poster_of_another_gig_cannot_read_resume(db, poster, applicant, stranger):
    upload(db.as_user(applicant), "resumes", applicant, "cv.pdf")
    apply_to(db.as_user(applicant), create_gig(db.as_user(stranger))["id"])
    create_gig(db.as_user(poster))
    assert db.as_user(poster).sql(LIST, ("resumes",)) == []


@pytest.mark.rule("STORE-RESUMES-READ")
def test_poster_cannot_change_applicants_resume(db, poster, applicant):
    upload(db.as_user(applicant), "resumes", applicant, "cv.pdf")
    apply_to(db.as_user(applicant), create_gig(db.as_user(poster))["id"])
    db.as_user(poster).affects_nothing("delete from storage.objects where bucket_id = 'resumes' returning name")


@pytest.mark.rule("STORE-DELETED-USER")
def test_deleted_user_files_are_removed(db, applicant):
    for bucket in ("avatars", "portfolio", "resumes"):
        upload(db.as_user(applicant), bucket, applicant)
    db.execute("delete from auth.users where id = %s", (applicant.id,))
    assert db.execute("select count(*) from storage.objects") == [(0,)]
