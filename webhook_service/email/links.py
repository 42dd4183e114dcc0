"""One-click unsubscribe links: a signed (user, kind) pair in the link's query string.

The worker signs them into every e-mail a setting governs; the web service's unsubscribe
endpoint (unsubscribe.py) verifies them. Kept apart from that endpoint so the worker imports no
Flask.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from itsdangerous import BadSignature, URLSafeSerializer

SALT = "ugig-email-unsubscribe"  # keeps these signatures apart from any other use of the secret



# rule: SVC-UNSUBSCRIBE
class Tokens:
    """Signed (user id, kind) pairs; no expiry, as unsubscribe links must work for old e-mails."""

    def __init__(self, secret: str) -> None:
        self.serializer = URLSafeSerializer(secret, salt=SALT)

    def sign(self, user_id: str, kind: str) -> str:
        return self.serializer.dumps([user_id, kind])

    def verify(self, token: str) -> tuple[str, str] | None:
        try:
            value = self.serializer.loads(token)
        except BadSignature:
            return None
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
            return None
        try:
            return str(uuid.UUID(value[0])), value[1]
        except ValueError:
            return None

    def link(self, base_url: str, user_id: str, kind: str) -> str:
        return f"{base_url}?{urlencode({'token': self.sign(user_id, kind)})}"
