"""`ugig-email-worker`: drains private.email_outbox through Resend; run any number in parallel.

Each round claims a batch (committed at once: the lease is visible to every other worker before
any e-mail leaves), renders and sends its messages on a few threads, then records every outcome
in one call. A worker killed mid-batch loses nothing: its lease expires, another worker claims
the rows and sends them again with the same Idempotency-Key, which Resend answers with the first
send's result instead of a second e-mail.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import socket
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Mapping

import psycopg

from webhook_service import config, logs
from webhook_service.stop_signals import stop_on_signals
from webhook_service.email import links, outbox, resend_api
from webhook_service.email.outbox import Claimed, Result
from webhook_service.email.render import Renderer, UnknownKind

log = logging.getLogger("ugig.email")


@dataclass(frozen=True)
class Settings:
    db_url: str
    app_url: str
    sender: str
    unsubscribe_url: str  # the web service's public /email/unsubscribe
    unsubscribe_secret: str
    reply_to: str | None = None
    batch_size: int = 50
    concurrency: int = 4
    rate_limit: float = 2.0  # sends per second, all workers together (private.email_send_rate); 0 = off
    lease_seconds: float = 120.0
    max_attempts: int = 10
    retry_base_seconds: float = 30.0
    retry_cap_seconds: float = 6 * 3600.0
    poll_seconds: float = 2.0

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> "Settings":
        def num(key: str, default: float) -> float:
            return float(cfg[key]) if cfg.get(key) not in (None, "") else default

        return cls(
            db_url=cfg["DB_URL"],
            app_url=cfg["APP_URL"],
            sender=cfg["EMAIL_FROM"],
            unsubscribe_url=cfg["EMAIL_UNSUBSCRIBE_URL"],
            unsubscribe_secret=cfg["EMAIL_UNSUBSCRIBE_SECRET"],
            reply_to=cfg.get("EMAIL_REPLY_TO") or None,
            batch_size=int(num("EMAIL_BATCH_SIZE", cls.batch_size)),
            concurrency=max(1, int(num("EMAIL_CONCURRENCY", cls.concurrency))),
            rate_limit=num("EMAIL_RATE_LIMIT", cls.rate_limit),
            lease_seconds=num("EMAIL_LEASE_SECONDS", cls.lease_seconds),
            max_attempts=int(num("EMAIL_MAX_ATTEMPTS", cls.max_attempts)),
            retry_base_seconds=num("EMAIL_RETRY_BASE_SECONDS", cls.retry_base_seconds),
            poll_seconds=num("EMAIL_POLL_SECONDS", cls.poll_seconds),
        )


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with ±20 % jitter, so failed rows do not come back in lockstep."""
    return min(cap, base * 2 ** max(0, attempt - 1)) * random.uniform(0.8, 1.2)


class Worker:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.renderer = Renderer(settings.app_url)
        self.unsubscribe = links.Tokens(settings.unsubscribe_secret)
        self.name = f"{socket.gethostname()}:{os.getpid()}:{logs.new_id()[:6]}"
        self.conn: psycopg.Connection | None = None
        self.pool = ThreadPoolExecutor(max_workers=settings.concurrency, thread_name_prefix="email-send")

    def connection(self) -> psycopg.Connection:
        if self.conn is None or self.conn.closed:
            # Autocommit: each SQL call is its own transaction, so a claim is committed before
            # sending; no prepared statements, for Supabase's transaction-mode pooler.
            self.conn = psycopg.connect(self.settings.db_url, autocommit=True, prepare_threshold=None)
        return self.conn

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        if self.conn is not None:
            self.conn.close()

    def deliver(self, row: Claimed, claimed_at: float) -> Result:
        try:
            return self.attempt(row, claimed_at)
        except Exception as exc:  # one bad row must not cost the batch its recorded outcomes
            log.exception("e-mail delivery crashed", extra={"fields": {"outbox_id": row.id}})
            outcome = resend_api.Outcome("retry", error=f"unexpected {type(exc).__name__}: {exc}"[:1000])
            return self.result(row, outcome)

    # rule: SVC-EMAIL-IDEMPOTENCY
    def attempt(self, row: Claimed, claimed_at: float) -> Result:
        try:
            one_click = (self.unsubscribe.link(self.settings.unsubscribe_url, row.user_id, row.kind)
                         if row.setting else None)
            message = self.renderer.render(row.kind, row.payload, row.recipient, one_click)
        except UnknownKind as exc:
            return Result(row.id, "failed", error=str(exc))
        if row.send_in:  # the row's slot under the shared send rate, counted from the claim
            time.sleep(max(0.0, claimed_at + row.send_in - time.monotonic()))
        return self.result(row, resend_api.send(message, self.settings.sender, row.id, self.settings.reply_to))

    # rule: SVC-EMAIL-RETRY
    def result(self, row: Claimed, outcome: resend_api.Outcome) -> Result:
        """What to record: sent, failed, or retry after retry-after or our backoff."""
        if outcome.status == "retry" and row.attempts >= self.settings.max_attempts:
            return Result(row.id, "failed", error=f"gave up after {row.attempts} attempts: {outcome.error}")
        if outcome.status == "retry":
            delay = outcome.retry_after
            if delay is None:
                delay = backoff_seconds(row.attempts, self.settings.retry_base_seconds, self.settings.retry_cap_seconds)
            return Result(row.id, "retry", error=outcome.error, retry_in=round(delay, 3))
        return Result(row.id, outcome.status, provider_message_id=outcome.provider_message_id, error=outcome.error)

    def run_once(self) -> int:
        """Claim, send and record one batch; returns how many rows were claimed."""
        s = self.settings
        claimed_at = time.monotonic()
        rows = outbox.claim(self.connection(), limit=s.batch_size, lease_seconds=s.lease_seconds,
                            max_attempts=s.max_attempts, worker=self.name, rate=s.rate_limit)
        if not rows:
            return 0
        token = logs.request_id.set(rows[0].claim_token.replace("-", ""))
        try:
            results = list(self.pool.map(self.deliver, rows, [claimed_at] * len(rows)))
            recorded = outbox.complete(self.connection(), rows[0].claim_token, results)
            counts = {k: sum(r.outcome == k for r in results) for k in ("sent", "retry", "failed")}
            for r in results:
                if r.outcome != "sent":
                    log.warning("e-mail not sent", extra={"fields": {
                        "outbox_id": r.id, "outcome": r.outcome, "error": r.error, "retry_in": r.retry_in}})
            log.info("batch", extra={"fields": {"claimed": len(rows), "recorded": recorded, **counts}})
        finally:
            logs.request_id.reset(token)
        return len(rows)

    def run(self, stop: threading.Event, *, drain: bool = False) -> None:
        """Loop until `stop` is set (or, with drain, until nothing is due)."""
        while not stop.is_set():
            try:
                claimed = self.run_once()
            except psycopg.OperationalError as exc:
                log.error("database unavailable", extra={"fields": {"error": type(exc).__name__}})
                if self.conn is not None:
                    self.conn.close()
                claimed = 0
                if drain:
                    raise
            if claimed == 0:
                if drain:
                    return
                stop.wait(self.settings.poll_seconds)


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ugig-email-worker", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="send one batch and exit")
    mode.add_argument("--drain", action="store_true", help="send until nothing is due, then exit")
    args = parser.parse_args(argv)

    cfg = config.from_env(environ)
    try:
        config.validate(cfg, ["email"])
    except config.ConfigError as exc:
        print(f"ugig-email-worker: {exc}", file=sys.stderr)
        return 2
    logs.configure(cfg)
    resend_api.configure(cfg["RESEND_API_KEY"], cfg.get("RESEND_API_URL"))
    worker = Worker(Settings.from_config(cfg))
    stop = threading.Event()
    log.info("email worker started", extra={"fields": {"worker": worker.name}})
    try:
        with stop_on_signals(stop):
            if args.once:
                worker.run_once()
            else:
                worker.run(stop, drain=args.drain)
    finally:
        worker.close()
    log.info("email worker stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
