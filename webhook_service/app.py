"""The web service's application factory: features, blueprints and the plain endpoints."""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

from webhook_service import agent_auth, auth, billing, config, cors, db, errors, health, jitsi, plain, request_log
from webhook_service.email import unsubscribe


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Application factory: settings from the environment, then `overrides` (tests).

    From the environment alone every web feature is served (and must be configured) unless
    UGIG_FEATURES narrows them; with overrides, the features those settings configure.
    """
    app = Flask("webhook_service")  # the package: its root path, and the logger's name
    app.config.from_mapping(config.from_env())
    if overrides:
        app.config.from_mapping(overrides)
    default = config.configured_features(app.config, config.WEB_FEATURES) if overrides else config.WEB_FEATURES
    features = config.enabled_features(app.config, default)
    config.validate(app.config, features)
    app.config["FEATURES"] = features
    request_log.init_app(app)
    errors.init_app(app)
    db.init_app(app)
    auth.init_app(app)
    app.register_blueprint(health.bp)
    endpoints = plain.PlainEndpoints(app, app.wsgi_app)
    browser_paths: list[str] = []  # what the web app calls with the user's token (cors.py)
    if "stripe" in features:
        app.register_blueprint(billing.bp)
        billing.install_webhook(app, endpoints)
        browser_paths += billing.BROWSER_PATHS
    if "jitsi" in features:
        jitsi.install(app, endpoints)
        browser_paths.append(jitsi.PATH)
    if "agents" in features:
        agent_auth.install(app, endpoints)
    if "unsubscribe" in features:
        unsubscribe.init_app(app)
    app.wsgi_app = endpoints  # type: ignore[method-assign]
    cors.install(app, frozenset(browser_paths))
    return app
