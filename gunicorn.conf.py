"""Gunicorn settings for the web service: Railway runs `gunicorn 'webhook_service:create_app()'`,
which picks this file up from the working directory."""

# gevent's worker, patched here, before the app is preloaded: psycopg and psycopg_pool bind
# threading and socket objects at import, and must bind the cooperative ones. One event loop per
# worker serves every keep-alive connection; a thread pool (gthread) cost about twice the CPU per
# request in hand-offs between its threads (docs/benchmarks.md, Stripe webhooks).
from gevent import monkey

monkey.patch_all()

import os  # noqa: E402

from gunicorn import glogging  # noqa: E402


class Logger(glogging.Logger):
    """Gunicorn's own lines only: the app logs every request itself, as JSON with its request id
    (gunicorn's access line would have none, and would cost as much again per request)."""

    def access(self, resp, req, environ, request_time) -> None:
        return None


bind = f"0.0.0.0:{os.environ.get('PORT', '8080')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gevent"
worker_connections = 1000  # per worker; database work is bounded by DB_POOL_MAX connections
timeout = 30
graceful_timeout = 20  # Railway sends SIGTERM on redeploy; requests in flight finish
preload_app = True  # a configuration error stops the deploy before any worker forks
logger_class = Logger


def worker_exit(server, worker) -> None:
    """Close the worker's database pool while gevent still runs: left to the interpreter's exit,
    the pool's cleanup fails inside gevent and prints a traceback instead of a JSON line."""
    pool = getattr(worker.wsgi, "extensions", {}).get("db_pool")
    if pool is not None:
        pool.close()

# Gunicorn's own lines as JSON too, through the same handler the app installs (same name, so the
# app replaces rather than duplicates it).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "webhook_service.logs.JsonFormatter"}},
    "handlers": {"ugig-json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
    "root": {"level": "INFO", "handlers": ["ugig-json"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
    },
}
