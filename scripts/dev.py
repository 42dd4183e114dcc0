"""`make dev`: local database, migrations, seed data, then the Flask service in the foreground."""

from __future__ import annotations

import os
import socket
import sys

from scripts import keys, localdb, migrate


def _free_port(preferred: int = 5055) -> int:
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", preferred)) != 0:
            return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    db_url = localdb.start()
    migrate.migrate(db_url)
    from scripts import seed

    seed.run(db_url, remote_auth=None)  # the local stack has no Auth server: users go in directly
    port = int(os.environ.get("PORT") or _free_port())
    secret = os.environ.get("SUPABASE_JWT_SECRET", keys.LOCAL_JWT_SECRET)
    env = {
        "SUPABASE_DB_URL": db_url,
        "SUPABASE_JWT_SECRET": secret,
        "NEXT_PUBLIC_APP_URL": os.environ.get("NEXT_PUBLIC_APP_URL", "http://localhost:3000"),
        # Self-hosted Jitsi mode with a local secret (docker-jitsi-meet's JWT settings accept it).
        "NEXT_PUBLIC_JITSI_DOMAIN": "localhost:8443",
        "JITSI_APP_ID": "ugig-local",
        "JITSI_APP_SECRET": "local-jitsi-secret-not-for-production",
        # Stripe test mode: replace with your test keys (`stripe listen` prints the webhook secret).
        "STRIPE_SECRET_KEY": "sk_test_replace_me",
        "STRIPE_WEBHOOK_SECRET": "whsec_local_replace_me",
        "STRIPE_PRO_PRICE_ID": "price_local_pro",
        # One-click unsubscribe links (served here, signed with this local secret).
        "EMAIL_UNSUBSCRIBE_SECRET": "local-unsubscribe-secret-not-for-production",
    }
    env["EMAIL_UNSUBSCRIBE_URL"] = f"http://127.0.0.1:{port}/email/unsubscribe"
    os.environ.update({k: v for k, v in env.items() if k not in os.environ})
    print(
        "\nugig local stack is up\n"
        f"         DB URL: {db_url}\n"
        f"    Service URL: http://127.0.0.1:{port}  (GET /healthz, GET /readyz)\n"
        f"        API URL: http://127.0.0.1:54321  (placeholder: run PostgREST/Supabase for the REST API)\n"
        f"     JWT secret: {secret}\n"
        f"       anon key: {keys.api_key('anon', secret)}\n"
        f"service_role key: {keys.api_key('service_role', secret)}\n"
        "\n    Demo logins:\n"
        + "".join(f"      {email}  {password}  ({who})\n" for email, password, who in seed.demo_logins()),
        flush=True,
    )
    from webhook_service import create_app

    create_app().run(host="127.0.0.1", port=port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
