"""ugig's integration service: Stripe, Jitsi room tokens, agents' API-key tokens and e-mail delivery.

Stateless: configuration comes from the environment, state lives in Postgres, and the business
rules live in SQL functions the views call.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from flask import Flask


def create_app(overrides: Mapping[str, Any] | None = None) -> "Flask":
    """Application factory: settings from the environment, then `overrides` (tests).

    From the environment alone every web feature is served (and must be configured) unless
    UGIG_FEATURES narrows them; with overrides, the features those settings configure.
    """
    # Imported here, not at module level: the webhook worker imports webhook_service's
    # subpackages without loading Flask and the integrations it does not use.
    from flask import Flask

    from webhook_service import agent_auth, auth, billing, config, cors, db, health, jitsi, logs, plain
    from webhook_service.email import unsubscribe

    app = Flask(__name__)
    app.config.from_mapping(config.from_env())
    if overrides:
        app.config.from_mapping(overrides)
    default = config.configured_features(app.config, config.WEB_FEATURES) if overrides else config.WEB_FEATURES
    features = config.enabled_features(app.config, default)
    config.validate(app.config, features)
    app.config["FEATURES"] = features
    logs.init_app(app)
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
