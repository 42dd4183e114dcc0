"""The Jitsi endpoint's test setting: apps in both modes, a user's bearer header, and the
fixtures `people` (Ada, Bob, Eve) and `call_id` (Ada hosts Bob, inside the join window).

Registered as a pytest plugin by tests/conftest.py, so every test module can use the fixtures.
"""

from __future__ import annotations

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from ugig_db.keys import LOCAL_JWT_SECRET
from tests.support.comms import schedule_call, start_conversation
from tests.support.postgrest import user_claims
from webhook_service import create_app

DOMAIN = "meet.ugig.test"
APP_ID = "ugig-meet"
APP_SECRET = "jitsi-app-secret-0123456789abcdef"
JAAS_APP_ID = "vpaas-magic-cookie-0123456789abcdef"
JAAS_KEY_ID = "4f4910"
JAAS_KEY = rsa.generate_private_key(65537, 2048)
JAAS_PEM = JAAS_KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()).decode()


def self_hosted_app(db, **extra):
    return create_app({"DB_URL": db.service_url, "TESTING": True, "JWT_SECRET": LOCAL_JWT_SECRET, "JITSI_DOMAIN": DOMAIN,
                       "JITSI_APP_ID": APP_ID, "JITSI_APP_SECRET": APP_SECRET, **extra})


def jaas_app(db):
    return create_app({"DB_URL": db.service_url, "TESTING": True, "JWT_SECRET": LOCAL_JWT_SECRET, "JITSI_DOMAIN": "8x8.vc",
                       "JAAS_APP_ID": JAAS_APP_ID, "JAAS_KEY_ID": JAAS_KEY_ID, "JAAS_PRIVATE_KEY": JAAS_PEM})


def bearer(user, secret=LOCAL_JWT_SECRET, **claims):
    return {"Authorization": "Bearer " + jwt.encode({**user_claims(user.id, user.email), **claims}, secret, "HS256")}


def force(db, call_id, assignments):
    """Move a call in time or state as a fixture, past the triggers that guard clients' writes."""
    db.execute("alter table public.video_calls disable trigger user")
    db.execute(f"update public.video_calls set {assignments} where id = %s", (call_id,))
    db.execute("alter table public.video_calls enable trigger user")


def call_row(db, call_id):
    return db.execute("select status, scheduled_at + make_interval(mins => duration_minutes), room_name "
                      "from public.video_calls where id = %s", (call_id,))[0]


@pytest.fixture
def people(db):
    ada = db.create_user("ada@example.test", user_metadata={"username": "ada"})
    bob = db.create_user("bob@example.test", user_metadata={"username": "bob"})
    eve = db.create_user("eve@example.test", user_metadata={"username": "eve"})
    db.execute("update public.profiles set full_name = 'Ada Lovelace' where id = %s", (ada.id,))
    return {"ada": ada, "bob": bob, "eve": eve}


@pytest.fixture
def call_id(db, people):
    """Ada hosts Bob in a 30-minute call starting in 5 minutes (inside the join window)."""
    conversation = start_conversation(db, people["ada"], people["bob"])
    call = schedule_call(db, people["ada"], people["bob"], conversation_id=conversation)
    force(db, call["id"], "scheduled_at = now() + interval '5 minutes'")
    return str(call["id"])


def post_token(app, user, call_id, **claims):
    return app.test_client().post("/jitsi/token", json={"call_id": call_id}, headers=bearer(user, **claims))
