"""CORS for the endpoints browsers call with the user's token (`POST /jitsi/token`,
`/stripe/checkout`, `/stripe/portal`): the web app (NEXT_PUBLIC_APP_URL)
and this service live on different origins, so a browser asks first (a preflight `OPTIONS`) and
reads an answer only when it names the app's origin.

Only configured origins are answered; the bearer token, not the origin, is what authorises a
request (no cookies are used, so credentials are never allowed). Stripe's webhook is called by
Stripe's servers, not browsers, and gets no CORS headers.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from flask import Flask

from webhook_service import plain
from webhook_service.config import ConfigError, env_name
from webhook_service.plain import Answer, StartResponse, WsgiApp

ALLOW_HEADERS = "Authorization, Content-Type, X-Request-Id"
MAX_AGE_SECONDS = "600"  # browsers cap it anyway (Chromium: 2 hours)


def origin_of(url: str, key: str, *, bare: bool) -> str:
    """`scheme://host[:port]` of a URL; with `bare`, the value must be exactly that."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise ConfigError(f"{env_name(key)} must hold http(s) origins such as https://ugig.net, got {url!r}")
    if bare and (parts.path not in ("", "/") or parts.query or parts.fragment):
        raise ConfigError(f"{env_name(key)} must hold origins without a path, got {url!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def allowed_origins(settings: Mapping[str, Any]) -> frozenset[str]:
    """CORS_ALLOWED_ORIGINS (comma-separated) when set, else the web app's own origin."""
    listed = settings.get("CORS_ORIGINS")
    if listed:
        return frozenset(origin_of(o, "CORS_ORIGINS", bare=True) for o in str(listed).split(",") if o.strip())
    app_url = settings.get("APP_URL")
    return frozenset({origin_of(app_url, "APP_URL", bare=False)}) if app_url else frozenset()


class Cors:
    """WSGI middleware: answers preflights for the browser paths and lets allowed origins read
    their answers; every other request passes through untouched."""

    def __init__(self, app: Flask, wsgi_app: WsgiApp, origins: frozenset[str], paths: frozenset[str]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.origins = origins
        self.paths = paths

    def __call__(self, wsgi_env: dict, start_response: StartResponse) -> Iterable[bytes]:
        origin = wsgi_env.get("HTTP_ORIGIN")
        if origin is None or wsgi_env.get("PATH_INFO") not in self.paths:
            return self.wsgi_app(wsgi_env, start_response)
        allowed = origin in self.origins
        if wsgi_env.get("REQUEST_METHOD") == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in wsgi_env:
            return plain.serve(self.app, wsgi_env, start_response, lambda: self._preflight(origin, allowed))
        if not allowed:  # the browser will not let the page read it; the token still decides
            return self.wsgi_app(wsgi_env, start_response)

        def start_with_cors(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = [*headers, *self._read_headers(origin)]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        return self.wsgi_app(wsgi_env, start_with_cors)

    def _preflight(self, origin: str, allowed: bool) -> Answer:
        if not allowed:
            return plain.error(403, "origin_not_allowed", f"{origin} may not call this endpoint from a browser")
        return Answer(204, b"", (
            *self._read_headers(origin),
            ("Access-Control-Allow-Methods", "POST"),
            ("Access-Control-Allow-Headers", ALLOW_HEADERS),
            ("Access-Control-Max-Age", MAX_AGE_SECONDS),
        ))

    @staticmethod
    def _read_headers(origin: str) -> tuple[tuple[str, str], ...]:
        return (("Access-Control-Allow-Origin", origin), ("Vary", "Origin"),
                ("Access-Control-Expose-Headers", "X-Request-Id"))


def install(app: Flask, paths: frozenset[str]) -> None:
    """Wrap the app's whole WSGI stack (Flask and the plain endpoints) for the browser paths."""
    app.wsgi_app = Cors(app, app.wsgi_app, allowed_origins(app.config), paths)  # type: ignore[method-assign]
