"""`ugig-db`: the database tooling's console command."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import psycopg

from ugig_db import (
    advise, capture, dburl, declarative, keys, lint, localdb, migrate, paths, reset, seed, sqlfiles, status,
    supabase_cli, token, verification,
)

FINDINGS = 2  # exit code of `advise` when a check reports a WARN or ERROR


def _cmd_migrate(args: argparse.Namespace) -> int:
    migrate.migrate(dburl.resolve(args.db_url), dry_run=args.dry_run, lock_timeout=args.lock_timeout)
    return 0


def _cmd_migration_new(args: argparse.Namespace) -> int:
    layout = declarative.Layout()
    if args.empty:
        path = capture.write_migration(layout, args.name, [], args.why)
        print(f"wrote {path.relative_to(paths.PROJECT_ROOT)}: write its DDL (tables, columns, indexes)")
        return 0
    statements = capture.pending_changes(args.shadow_server or localdb.start(), layout)
    if not statements:
        print("nothing to capture: the migrations carry every change of supabase/functions_sql "
              "and supabase/policies; no file written")
        return 0
    path = capture.write_migration(layout, args.name, statements, args.why)
    print(f"wrote {path.relative_to(paths.PROJECT_ROOT)} ({len(statements)} statements)")
    return 0


def _cmd_reset(args: argparse.Namespace) -> int:
    reset.reset(dburl.checked(args.db_url) if args.db_url else localdb.start())
    return 0


def _shadow_server(target: str) -> str:
    """Where `status` builds its shadow database: the local cluster, else the target's server."""
    try:
        return localdb.start()
    except localdb.LocalDbError:
        return target


def _cmd_status(args: argparse.Namespace) -> int:
    target = dburl.resolve(args.db_url)
    return status.run(target, _shadow_server(target))


def _cmd_advise(args: argparse.Namespace) -> int:
    # 2, not 1: a finding is an answer, not a failure to run (as status does for drift).
    return FINDINGS if advise.failing(advise.advise(dburl.resolve(args.db_url))) else 0


def _cmd_lint(args: argparse.Namespace) -> int:
    result = lint.run(args.paths, fix=args.fix)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    return result.returncode


def _cmd_seed(args: argparse.Namespace) -> int:
    db_url = dburl.resolve(args.db_url)
    if args.scale is not None:
        seed.run(db_url, scale=args.scale)  # prints each stage as it ends
        return 0
    loaded = seed.run(db_url)
    for name in loaded:
        print(f"seeded: {name}")
    if not loaded:
        print("nothing to seed: the demo data is there already")
    return 0


def _cmd_stripe_reconcile(args: argparse.Namespace) -> int:
    import stripe

    from ugig_db import stripe_reconcile
    from webhook_service import config
    from webhook_service.billing.settings import NotConfigured

    try:
        report = stripe_reconcile.reconcile(
            dburl.resolve(args.db_url, admin=False), config.from_env(),
            grace_seconds=args.grace_seconds, replay_min_age_seconds=args.replay_min_age_seconds, limit=args.limit,
            keep_days=args.keep_days,
        )
    except (NotConfigured, stripe.StripeError, psycopg.DataError) as exc:
        print(f"ugig-db stripe-reconcile: {exc}", file=sys.stderr)
        return 1
    return 1 if any(o == "failed" for o in [*report.refreshed.values(), *report.replayed.values()]) else 0


def _cmd_token(args: argparse.Namespace) -> int:
    # The secret make dev gives the service: SUPABASE_JWT_SECRET, else the well-known local one.
    secret = os.environ.get("SUPABASE_JWT_SECRET", keys.LOCAL_JWT_SECRET)
    print(token.issue(dburl.resolve(args.db_url), args.user, secret=secret, ttl=args.ttl))
    return 0


def _cmd_verification(args: argparse.Namespace) -> int:
    db_url = dburl.resolve(args.db_url)
    if args.action == "list":
        for request in verification.pending(db_url, args.limit):
            evidence = " ".join(request.evidence.split())
            print(f"{request.id}  @{request.username}  {request.created_at:%Y-%m-%d %H:%M}  {evidence}")
        return 0
    decided = verification.review(db_url, args.request_id, args.action == "approve", args.note)
    print(f"{decided['status']}: request {decided['id']} of user {decided['user_id']}")
    return 0


def _cmd_db(args: argparse.Namespace) -> int:
    if args.action == "start":
        print(localdb.start())
    elif args.action == "stop":
        print("stopped" if localdb.stop() else "not running")
    elif args.action == "status":
        current = localdb.url()
        print(f"running: {current}" if current else "not running")
        return 0 if current else 1
    elif args.action == "url":
        current = localdb.url()
        if not current:
            print("the local database is not running (ugig-db db start)", file=sys.stderr)
            return 1
        print(current)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ugig-db", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("migrate", help="apply pending migrations, changed functions and policies")
    p.add_argument("--db-url", help="target database (default: SUPABASE_ADMIN_DB_URL, else SUPABASE_DB_URL, else local)")
    p.add_argument("--dry-run", action="store_true",
                   help="apply the plan in a transaction that is rolled back: a broken migration fails, nothing changes")
    p.add_argument("--lock-timeout", default=migrate.LOCK_TIMEOUT,
                   help="give up when a lock is not granted within this time (Postgres interval; default %(default)s)")
    p.set_defaults(func=_cmd_migrate)

    p = sub.add_parser("migration", help="write a new migration")
    migration = p.add_subparsers(dest="action", required=True)
    p = migration.add_parser(
        "new",
        help="capture every change of supabase/functions_sql and supabase/policies that no migration "
             "carries yet into supabase/migrations/<timestamp>_<name>.sql (nothing to capture: no file)",
    )
    p.add_argument("name", help="snake_case: what the change is")
    p.add_argument("--empty", action="store_true",
                   help="write an empty migration for hand-written DDL (tables, columns, indexes) instead")
    p.add_argument("--why", help="what the change is for: opens the migration as a comment (one line per line)")
    p.add_argument("--shadow-server", help="server for the shadow databases (default: the local cluster)")
    p.set_defaults(func=_cmd_migration_new)

    p = sub.add_parser(
        "status",
        help="pending migrations, drift from the migrations, and changes of the function and policy "
             "files that no migration carries (exit 0 clean, 2 pending, 3 drift, 4 uncaptured files, "
             "5 applied migration without a file; the highest wins)",
    )
    p.add_argument("--db-url", help="target database (default: SUPABASE_ADMIN_DB_URL, else SUPABASE_DB_URL, else local)")
    p.set_defaults(func=_cmd_status)

    p = sub.add_parser("reset", help="recreate the local database and migrate it (local only)")
    p.add_argument("--db-url", help="a local database URL (default: the local cluster)")
    p.set_defaults(func=_cmd_reset)

    p = sub.add_parser(
        "advise",
        help="Supabase's advisors and ours (scripts/advisors/); exit 2 on any WARN or ERROR",
    )
    p.add_argument("--db-url", help="target database (default: SUPABASE_ADMIN_DB_URL, else SUPABASE_DB_URL, else local)")
    p.set_defaults(func=_cmd_advise)

    p = sub.add_parser("lint", help="sqlfluff (postgres dialect, .sqlfluff) over supabase/")
    p.add_argument("paths", nargs="*", type=Path, help="files or directories (default: supabase/)")
    p.add_argument("--fix", action="store_true",
                   help="rewrite the files; never on a landed migration (its checksum would change)")
    p.set_defaults(func=_cmd_lint)

    p = sub.add_parser("seed", help="load the demo data in seed/ (idempotent)")
    p.add_argument("--db-url", help="target database (default: SUPABASE_ADMIN_DB_URL, else SUPABASE_DB_URL, else local)")
    p.add_argument("--scale", type=float, help="size of the generated marketplace (1 = 200k users, 1M gigs; 0.01 for a quick one)")
    p.set_defaults(func=_cmd_seed)

    p = sub.add_parser(
        "stripe-reconcile",
        help="re-fetch stale subscriptions from Stripe and replay failed webhook events (exit 1 if any still fails)",
    )
    p.add_argument("--db-url", help="target database (default: SUPABASE_ADMIN_DB_URL, else SUPABASE_DB_URL, else local)")
    p.add_argument("--grace-seconds", type=int, default=3600,
                   help="how long past its period end (or in a transitional status) a subscription counts as stale "
                        "(default %(default)s)")
    p.add_argument("--replay-min-age-seconds", type=int, default=60,
                   help="replay only events received at least this long ago, leaving fresh ones to Stripe's retries "
                        "(default %(default)s)")
    p.add_argument("--limit", type=int, default=500, help="at most this many subscriptions and events per run (default %(default)s)")
    p.add_argument("--keep-days", type=int, default=30,
                   help="delete events that took effect more than this many days ago; at least 3, Stripe's retries "
                        "(default %(default)s)")
    p.set_defaults(func=_cmd_stripe_reconcile)

    p = sub.add_parser(
        "token",
        help="print a signed-in user's access token for a local database (Supabase's claims, HS256 with "
             "SUPABASE_JWT_SECRET, else the local secret make dev uses)",
    )
    p.add_argument("user", help="the user's e-mail, username or id")
    p.add_argument("--ttl", type=int, default=token.DEFAULT_TTL,
                   help="lifetime in seconds (default %(default)s)")
    p.add_argument("--db-url", help="a local database (default: SUPABASE_DB_URL, else local)")
    p.set_defaults(func=_cmd_token)

    p = sub.add_parser("verification", help="list pending verification requests, approve or reject one")
    actions = p.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="pending requests, oldest first")
    listing.add_argument("--limit", type=int, default=50, help="at most this many (default %(default)s)")
    listing.add_argument("--db-url", help="target database (default: SUPABASE_ADMIN_DB_URL, else SUPABASE_DB_URL, else local)")
    for action in ("approve", "reject"):
        decide = actions.add_parser(action, help=f"{action} a pending request and notify the requester")
        decide.add_argument("request_id")
        decide.add_argument("--note", help="shown to the requester (at most 2000 characters)")
        decide.add_argument("--db-url", help="target database (default: SUPABASE_ADMIN_DB_URL, else SUPABASE_DB_URL, else local)")
    p.set_defaults(func=_cmd_verification)

    p = sub.add_parser("db", help="the embedded local PostgreSQL cluster")
    p.add_argument("action", choices=["start", "stop", "status", "url"])
    p.set_defaults(func=_cmd_db)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (
        migrate.MigrateError, sqlfiles.SqlFileError, localdb.LocalDbError, reset.ResetError,
        capture.CaptureError, declarative.DeclarativeError,
        supabase_cli.SupabaseCliError, dburl.DbUrlError, token.TokenError, verification.VerificationError,
    ) as exc:
        print(f"ugig-db {args.command}: {exc}", file=sys.stderr)
        return 1
    except psycopg.OperationalError as exc:
        # Cannot connect (or the connection broke): libpq's message says why, over several lines.
        print(f"ugig-db {args.command}: database unavailable: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
