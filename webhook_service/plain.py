"""The service's hottest endpoints, served as plain WSGI in front of Flask.

`POST /stripe/webhook` (Stripe redelivers whole backlogs after an outage) and `POST /jitsi/token`
(every participant of every call, at once when a call starts) do little work each: Flask's request
machinery (contexts, routing, hooks, response objects) cost about as much again as that work.
These endpoints keep the service's contract without it: a request id on every log line and in
X-Request-Id, one `request` line per request, JSON answers, POST only, and an unexpected error
logged with its request id and answered with a JSON 500.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any, Callable, Iterable, NamedTuple

from flask import Flask

from webhook_service import logs

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict, StartResponse], Iterable[bytes]]


class Answer(NamedTuple):
    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def error(status: int, code: str, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Answer:
    """The service's JSON error shape, as the Flask views answer it."""
    return Answer(status, encode({"error": code, "message": message}), headers)


class Endpoint(NamedTuple):
    handle: Callable[[dict], Answer]  # the WSGI environ of a POST -> its answer
    failure: str  # the message of an unexpected error's 500


class BodyTooLarge(Exception):
    """The request body is larger than its endpoint accepts (answered 413)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the body may hold at most {limit} bytes")


class PlainEndpoints:
    """WSGI middleware: answers its endpoints itself and passes every other request to Flask."""

    def __init__(self, app: Flask, wsgi_app: WsgiApp) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.endpoints: dict[str, Endpoint] = {}

    def add(self, path: str, handle: Callable[[dict], Answer], failure: str) -> None:
        self.endpoints[path] = Endpoint(handle, failure)

    def __call__(self, wsgi_env: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = wsgi_env.get("PATH_INFO", "")
        endpoint = self.endpoints.get(path)
        if endpoint is None:
            return self.wsgi_app(wsgi_env, start_response)
        return serve(self.app, wsgi_env, start_response, lambda: self._answer(endpoint, path, wsgi_env))

    def _answer(self, endpoint: Endpoint, path: str, wsgi_env: dict) -> Answer:
        if wsgi_env.get("REQUEST_METHOD") != "POST":
            return error(405, "method_not_allowed", "use POST", (("Allow", "POST"),))
        try:
            return endpoint.handle(wsgi_env)
        except BodyTooLarge as exc:
            return error(413, "payload_too_large", str(exc))
        except Exception:  # as Flask's handler would: logged with the request id, a JSON 500
            self.app.logger.exception("request failed", extra={"fields": {"path": path}})
            return error(500, "internal_error", endpoint.failure)


def serve(app: Flask, wsgi_env: dict, start_response: StartResponse, answer: Callable[[], Answer]) -> Iterable[bytes]:
    """Answer one request outside Flask, as the service answers every request: tagged with the
    caller's X-Request-Id (or a new one), logged in one `request` line, a JSON body (none for a 204)."""
    state = logs.begin_request(wsgi_env.get("HTTP_X_REQUEST_ID", ""))
    try:
        status, content, extra = answer()
        headers = [("X-Request-Id", state[0]), *extra]
        if status != 204:  # a 204 has no body, nor headers describing one (RFC 9110 §8.6)
            headers += [("Content-Type", "application/json"), ("Content-Length", str(len(content)))]
        logs.log_request(app.logger, state, wsgi_env.get("REQUEST_METHOD", ""), wsgi_env.get("PATH_INFO", ""), status)
        start_response(f"{status} {HTTPStatus(status).phrase}", headers)
        return [content]
    finally:
        logs.end_request(state)


def body(wsgi_env: dict, limit: int) -> bytes:
    """The request body: Content-Length bytes, or everything when the server ended the stream
    (chunked uploads); nothing otherwise (as Werkzeug reads it). BodyTooLarge past `limit`
    bytes, found without reading more than one byte past it: the body is read before anything
    else has vouched for the caller."""
    stream = wsgi_env["wsgi.input"]
    try:
        length = int(wsgi_env.get("CONTENT_LENGTH") or -1)
    except ValueError:
        length = -1
    if length > limit:
        raise BodyTooLarge(limit)
    if length >= 0:
        return stream.read(length)
    if not wsgi_env.get("wsgi.input_terminated"):
        return b""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise BodyTooLarge(limit)
    return data
