"""The web service's request log: a request id per request (echoed as X-Request-Id) and one line
per request, written by the JSON handler of webhook_service/logs.py."""

from __future__ import annotations

import logging
import time

from flask import Flask, g, request

from webhook_service.logs import begin_request, configure, end_request, log_request


# rule: SVC-LOGS
def init_app(app: Flask) -> None:
    handler = configure(app.config)
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(logging.getLogger().level)
    app.logger.propagate = False

    @app.before_request
    def _assign_request_id() -> None:
        g.ugig_request = begin_request(request.headers.get("X-Request-Id", ""))

    @app.after_request
    def _log_request(response):
        state = g.get("ugig_request") or ("", None, time.perf_counter())
        response.headers["X-Request-Id"] = state[0]
        log_request(app.logger, state, request.method, request.path, response.status_code)
        return response

    @app.teardown_request
    def _forget_request_id(_exc: BaseException | None) -> None:
        state = g.pop("ugig_request", None)
        if state is not None:
            end_request(state)
