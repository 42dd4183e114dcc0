"""`ugig-webhook-worker`: sends webhook deliveries as Standard Webhooks; run any number in parallel.

Each worker keeps up to WEBHOOK_CONCURRENCY deliveries in flight, each on its own thread with a
total deadline, and claims more as slots free up (`FOR UPDATE SKIP LOCKED`, committed with a
lease before anything is sent): a receiver that hangs holds one slot for at most the timeout and
never delays deliveries to others. Connections to a receiver are kept for its next delivery
(webhooks/connections.py). Every outcome is recorded on its own; the database decides
what follows (retry with backoff, dead after about a day, 410 or repeated deaths disable the
webhook). A worker killed mid-batch loses nothing: its leases expire and another worker sends
those deliveries again with the same `webhook-id`. Deliveries older than 30 days are purged
hourly (and by `--purge`).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import ssl
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Mapping

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from webhook_service import config, logs
from webhook_service.stop_signals import stop_on_signals
from webhook_service.webhooks import sender
from webhook_service.webhooks.addresses import Resolver, system_resolver
from webhook_service.webhooks.connections import Connections

log = logging.getLogger("ugig.webhooks")

PURGE_EVERY_SECONDS = 3600.0
CLAIM_SQL = "select * from private.claim_webhook_deliveries(%s, %s, %s)"
RECORD_SQL = "select private.record_webhook_delivery(%s, %s, %s, %s)"
PURGE_SQL = "select private.purge_webhook_deliveries()"


# rule: DELIVERY-LOOPBACK-SETTING
@dataclass(frozen=True)
class Settings:
    db_url: str
    concurrency: int = 32
    batch_size: int = 50
    lease_seconds: float = 60.0  # must exceed timeout_seconds: a live delivery keeps its claim
    timeout_seconds: float = 10.0
    poll_seconds: float = 1.0
    allow_loopback: bool = False  # tests only; refused in production (from_config)

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any], environ: Mapping[str, str]) -> "Settings":
        def num(key: str, default: float) -> float:
            try:
                return float(cfg[key]) if cfg.get(key) not in (None, "") else default
            except ValueError:
                raise config.ConfigError(f"{config.env_name(key)} must be a number, got {cfg[key]!r}") from None

        allow_loopback = str(cfg.get("WEBHOOK_ALLOW_LOOPBACK", "")).lower() in ("1", "true", "yes")
        if allow_loopback and environ.get("RAILWAY_ENVIRONMENT_NAME", "").lower() == "production":
            raise config.ConfigError("WEBHOOK_ALLOW_LOOPBACK is for tests and is refused in production")
        settings = cls(
            db_url=cfg["DB_URL"],
            concurrency=max(1, int(num("WEBHOOK_CONCURRENCY", cls.concurrency))),
            batch_size=max(1, int(num("WEBHOOK_BATCH_SIZE", cls.batch_size))),
            lease_seconds=num("WEBHOOK_LEASE_SECONDS", cls.lease_seconds),
            timeout_seconds=num("WEBHOOK_TIMEOUT_SECONDS", cls.timeout_seconds),
            poll_seconds=num("WEBHOOK_POLL_SECONDS", cls.poll_seconds),
            allow_loopback=allow_loopback,
        )
        if settings.lease_seconds <= settings.timeout_seconds + 5:
            raise config.ConfigError("WEBHOOK_LEASE_SECONDS must exceed WEBHOOK_TIMEOUT_SECONDS by more than 5 s")
        return settings


# rule: DELIVERY-ISOLATION
class Worker:
    def __init__(self, settings: Settings, *, resolver: Resolver = system_resolver,
                 context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.resolver = resolver
        self.context = context or ssl.create_default_context()
        self.connections = Connections()  # idle keep-alive connections, per receiver
        self.name = f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"
        # Autocommit, no prepared statements: each call is its own transaction, pooler-safe.
        self.db = ConnectionPool(settings.db_url, min_size=1, max_size=settings.concurrency + 1,
                                 kwargs={"autocommit": True, "prepare_threshold": None}, open=True, timeout=30)
        self.threads = ThreadPoolExecutor(max_workers=settings.concurrency, thread_name_prefix="webhook-send")
        self.free = settings.concurrency  # delivery slots not in flight
        self.slot_freed = threading.Condition()
        self.last_purge: float | None = None

    def close(self) -> None:
        self.threads.shutdown(wait=True)
        self.connections.close()
        self.db.close()

    def claim(self, limit: int) -> list[dict[str, Any]]:
        with self.db.connection() as conn, conn.cursor(row_factory=dict_row) as cur:
            cur.execute(CLAIM_SQL, (limit, timedelta(seconds=self.settings.lease_seconds), self.name))
            return cur.fetchall()

    def deliver(self, row: dict[str, Any]) -> str | None:
        """Send one delivery and record its outcome; returns the status the database chose."""
        try:
            body = json.dumps(row["payload"], separators=(",", ":")).encode()
            attempt = sender.post(row["url"], row["secret"], str(row["id"]), body, resolver=self.resolver,
                                  context=self.context, connections=self.connections, timeout=self.settings.timeout_seconds,
                                  allow_loopback=self.settings.allow_loopback)
        except Exception as exc:  # a bug must cost one attempt, not the delivery
            log.exception("webhook delivery crashed")
            attempt = sender.Attempt(None, f"unexpected {type(exc).__name__}")
        with self.db.connection() as conn:
            status = conn.execute(RECORD_SQL, (row["id"], row["claim_token"], attempt.status_code,
                                               attempt.error)).fetchone()[0]
        if status != "succeeded":
            log.warning("webhook not delivered", extra={"fields": {
                "delivery_id": str(row["id"]), "status": status, "status_code": attempt.status_code,
                "error": attempt.error, "attempt": row["attempts"]}})
        return status

    def _deliver_in_slot(self, row: dict[str, Any]) -> None:
        try:
            self.deliver(row)
        except Exception:
            log.exception("recording a webhook delivery failed; its lease will expire and it is retried")
        finally:
            with self.slot_freed:
                self.free += 1
                self.slot_freed.notify()

    def run_once(self) -> int:
        """Claim one batch, send it and wait for every outcome; returns how many were claimed."""
        rows = self.claim(self.settings.batch_size)
        list(self.threads.map(self.deliver, rows))
        return len(rows)

    # rule: DELIVERY-PURGE
    def purge_if_due(self) -> None:
        if self.last_purge is None or time.monotonic() - self.last_purge >= PURGE_EVERY_SECONDS:
            self.last_purge = time.monotonic()
            with self.db.connection() as conn:
                purged = conn.execute(PURGE_SQL).fetchone()[0]
            log.info("purged old deliveries", extra={"fields": {"deleted": purged}})

    def run(self, stop: threading.Event, *, drain: bool = False) -> None:
        """Keep every slot busy until `stop` is set (with drain: until nothing is due or in flight)."""
        # Claim once a quarter of the slots is free (or a poll interval has passed with any free):
        # one claim per finished delivery cost the database more than the delivery itself.
        refill = max(1, min(self.settings.batch_size, self.settings.concurrency // 4))
        while not stop.is_set():
            with self.slot_freed:
                deadline = time.monotonic() + self.settings.poll_seconds
                while not stop.is_set():
                    remaining = deadline - time.monotonic()
                    if self.free >= refill or (self.free > 0 and remaining <= 0):
                        break
                    self.slot_freed.wait(remaining if remaining > 0 else self.settings.poll_seconds)
                wanted = min(self.free, self.settings.batch_size)
            try:
                self.purge_if_due()
                rows = self.claim(wanted)
            except psycopg.OperationalError as exc:
                log.error("database unavailable", extra={"fields": {"error": type(exc).__name__}})
                if drain:
                    raise
                stop.wait(self.settings.poll_seconds)
                continue
            with self.slot_freed:
                self.free -= len(rows)
            for row in rows:
                self.threads.submit(self._deliver_in_slot, row)
            if not rows:
                self.connections.sweep()  # idle receivers' connections close even when nothing is sent
                with self.slot_freed:
                    if drain and self.free == self.settings.concurrency:
                        return
                    # Wake early when a delivery finishes: its retry or a new event may be due.
                    self.slot_freed.wait(self.settings.poll_seconds)


def main(argv: list[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ugig-webhook-worker", description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--once", action="store_true", help="send one batch and exit")
    mode.add_argument("--drain", action="store_true", help="send until nothing is due, then exit")
    mode.add_argument("--purge", action="store_true", help="delete deliveries older than 30 days and exit")
    args = parser.parse_args(argv)

    env = os.environ if environ is None else environ
    cfg = config.from_env(env)
    try:
        config.validate(cfg)
        settings = Settings.from_config(cfg, env)
    except config.ConfigError as exc:
        print(f"ugig-webhook-worker: {exc}", file=sys.stderr)
        return 2
    logs.configure(cfg)  # the service's JSON lines, secrets redacted
    worker = Worker(settings)
    stop = threading.Event()
    log.info("webhook worker started", extra={"fields": {"worker": worker.name}})
    try:
        with stop_on_signals(stop):
            if args.purge:
                worker.purge_if_due()
            elif args.once:
                worker.run_once()
            else:
                worker.run(stop, drain=args.drain)
    finally:
        worker.close()
    log.info("webhook worker stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
