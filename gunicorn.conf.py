"""Gunicorn settings for the web service: Railway runs `gunicorn 'webhook_service:create_app()'`,
which picks this file up from the working directory."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8080')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20  # Railway sends SIGTERM on redeploy; requests in flight finish
preload_app = True  # a configuration error stops the deploy before any worker forks
accesslog = None  # the app logs every request itself, as JSON with its request id

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
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
    },
}
