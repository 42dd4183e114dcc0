"""`make dev`: local database, migrations, seed data, then the Flask service in the foreground.

Everything runs against the local cluster, whatever SUPABASE_DB_URL the shell has: the service
connects as `ugig_service` (as deployed, SPEC §1) with a local password set here. The banner
gives what a newcomer needs to act as a signed-in user: a token for a demo user and a call of
theirs that can be joined now.
"""

from __future__ import annotations

import logging
import os
import shlex
import socket
import sys

import psycopg
from psycopg.conninfo import conninfo_to_dict

from ugig_db import keys, localdb, migrate, pgrest, service_role, token

# The local password of ugig_service (the migrations create it without one); local only, like
# the JWT secret below.
LOCAL_SERVICE_PASSWORD = "ugig-service-local-password"
DEMO_TOKEN_TTL = 24 * 3600  # a working day of `make dev` without asking for a new one


def _free_port(preferred: int = 5055) -> int:
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", preferred)) != 0:
            return preferred
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def joinable_call(db_url: str, host_id: str, host_email: str) -> str:
    """A call the demo host may get a room token for now: scheduled by the host, as a client
    would, with the guest of their first seeded call, starting in 5 minutes (the join window
    opens 15 minutes before). One per start; earlier ones simply end."""
    with psycopg.connect(db_url, autocommit=True) as conn, conn.transaction():
        guest_id, conversation_id = conn.execute(
            """select guest_id, conversation_id from public.video_calls
               where host_id = %s and conversation_id is not null order by id limit 1""",
            (host_id,),
        ).fetchone()
        with pgrest.acting(conn, "authenticated", pgrest.user_claims(host_id, host_email)):
            call_id = conn.execute(
                """insert into public.video_calls (guest_id, conversation_id, scheduled_at, duration_minutes)
                   values (%s, %s, now() + interval '5 minutes', 60) returning id""",
                (guest_id, conversation_id),
            ).fetchone()[0]
    return str(call_id)


def main() -> int:
    shell_db_url = os.environ.get("SUPABASE_DB_URL")
    db_url = localdb.start()
    migrate.migrate(db_url)
    from ugig_db import seed

    seed.run(db_url, remote_auth=None, out=lambda _line: None)  # no Auth server here: users go in directly
    service_role.set_password(db_url, LOCAL_SERVICE_PASSWORD)
    port = int(os.environ.get("PORT") or _free_port())
    secret = os.environ.get("SUPABASE_JWT_SECRET", keys.LOCAL_JWT_SECRET)
    env = {
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
    # Always the local database, as migrated and seeded above: never the shell's SUPABASE_DB_URL.
    os.environ["SUPABASE_DB_URL"] = service_role.url(db_url, LOCAL_SERVICE_PASSWORD)

    email, password, who = seed.demo_logins()[0]
    with psycopg.connect(db_url) as conn:
        host_id = conn.execute("select id::text from auth.users where email = %s", (email,)).fetchone()[0]
    call_id = joinable_call(db_url, host_id, email)
    demo_token = token.issue(db_url, email, secret=secret, ttl=DEMO_TOKEN_TTL)
    service = f"http://127.0.0.1:{port}"
    curl = (f"curl -s -X POST {service}/jitsi/token -H {shlex.quote('Authorization: Bearer ' + demo_token)} "
            f"-H 'Content-Type: application/json' -d '{{\"call_id\": \"{call_id}\"}}'")
    ignored = ("\n  (SUPABASE_DB_URL from your shell is ignored: make dev uses only the local database)"
               if shell_db_url else "")
    print(
        "\nugig local stack is up" + ignored + "\n"
        f"         DB URL: {db_url}  (psql, supabase --db-url; port {conninfo_to_dict(db_url)['port']})\n"
        f"    Service URL: {service}  (GET /healthz, GET /readyz; connects as ugig_service)\n"
        f"     JWT secret: {secret}\n"
        f"       anon key: {keys.api_key('anon', secret)}\n"
        f"service_role key: {keys.api_key('service_role', secret)}\n"
        "\n    Demo logins:\n"
        + "".join(f"      {e}  {p}  ({w})\n" for e, p, w in seed.demo_logins())
        + f"\n    Signed in as {email} ({who}) for 24 h (ugig-db token <email|username|id> for others):\n"
        f"      token: {demo_token}\n"
        f"    A room token for their call {call_id} (joinable now, for an hour from 5 minutes on):\n"
        f"      {curl}\n"
        "\n    Stop with Ctrl-C; Postgres keeps running (make db-stop stops it).\n",
        flush=True,
    )
    from webhook_service import create_app

    app = create_app()
    # The app logs one JSON line per request; werkzeug's own (the same request again, in colour
    # codes) and its startup banner would be noise in that stream.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app.run(host="127.0.0.1", port=port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
