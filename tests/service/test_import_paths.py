"""Workers import only what they use: no Flask, Stripe or billing on a worker's import path."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest



@pytest.mark.parametrize("module", ["webhook_service.email.worker", "webhook_service.webhooks.worker"])
def test_a_worker_imports_no_web_framework_and_no_billing(module):
    probe = (f"import json, sys, {module}; "
             f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {{'flask', 'werkzeug', 'stripe', 'gevent'}} "
             f"or m.startswith(('webhook_service.billing', 'webhook_service.app')))))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout)
    assert loaded == [], f"{module} pulls in {loaded}"


def test_the_package_still_serves_gunicorns_factory():
    from webhook_service import create_app

    app = create_app({"UGIG_FEATURES": "", "DB_URL": "postgresql://localhost/none"})
    assert app.name == "webhook_service" and app.url_map.bind("localhost").match("/healthz")
