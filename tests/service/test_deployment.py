"""What Railway runs: the config files, gunicorn with our settings, and the documented variables."""

from __future__ import annotations

import json
import re
import subprocess
import time
import tomllib
import urllib.request

import pytest

from tests.support.gunicorn import BIN, ROOT, free_port, gunicorn_env
from webhook_service import config



def railway(name: str) -> dict:
    return tomllib.loads((ROOT / name).read_text())


def test_web_service_runs_gunicorn_with_readyz_health_check_and_migrates_first():
    deploy = railway("railway.toml")["deploy"]
    assert deploy["startCommand"].startswith("gunicorn ") and "webhook_service:create_app()" in deploy["startCommand"]
    assert deploy["healthcheckPath"] == "/readyz"
    assert deploy["preDeployCommand"] == ["ugig-db migrate"]


def test_worker_service_runs_the_email_worker():
    deploy = railway("railway.worker.toml")["deploy"]
    assert deploy["startCommand"] == "ugig-email-worker" and "healthcheckPath" not in deploy
    assert deploy["preDeployCommand"] == ["ugig-db migrate"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert {"ugig-db", "ugig-email-worker"} <= set(scripts)


def test_webhooks_service_runs_the_webhook_worker():
    deploy = railway("railway.webhooks.toml")["deploy"]
    assert deploy["startCommand"] == "ugig-webhook-worker" and "healthcheckPath" not in deploy
    assert deploy["preDeployCommand"] == ["ugig-db migrate"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert "ugig-webhook-worker" in scripts


def variables_read_by_the_code() -> set[str]:
    pattern = re.compile(r"""(?:environ(?:\.get)?\(|environ\[|getenv\()\s*['"]([A-Z][A-Z0-9_]+)['"]""")
    found = set(config.ENV_KEYS)
    for path in [*ROOT.glob("webhook_service/**/*.py"), *ROOT.glob("scripts/**/*.py"), ROOT / "gunicorn.conf.py",
                 *ROOT.glob("tests/support/*.py")]:
        found |= set(pattern.findall(path.read_text()))
    return found


@pytest.mark.rule("SVC-ENV")
def test_env_example_lists_every_variable_the_code_reads():
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert variables_read_by_the_code() - documented == set()


def test_gunicorn_serves_readyz_and_logs_json(db):
    port = free_port()
    proc = subprocess.Popen([str(BIN / "gunicorn"), "webhook_service:create_app()"], cwd=ROOT,
                            env=gunicorn_env(PORT=str(port), SUPABASE_DB_URL=db.service_url),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                    assert response.status == 200 and json.load(response) == {"status": "ok"}
                    break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None, "gunicorn did not come up"
                time.sleep(0.2)
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    lines = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert any(line["logger"] == "gunicorn.error" for line in lines)
    assert any(line.get("path") == "/readyz" and line["request_id"] for line in lines)


def test_gunicorn_refuses_to_start_naming_the_missing_variable():
    proc = subprocess.run([str(BIN / "gunicorn"), "webhook_service:create_app()"], cwd=ROOT,
                          env=gunicorn_env(PORT=str(free_port())), capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "missing required environment variable(s): SUPABASE_DB_URL" in proc.stdout + proc.stderr


@pytest.mark.parametrize("name", ["railway.toml", "railway.worker.toml", "railway.webhooks.toml"])
def test_railway_files_use_only_known_deploy_keys(name):
    known = {"preDeployCommand", "startCommand", "healthcheckPath", "healthcheckTimeout", "restartPolicyType",
             "restartPolicyMaxRetries", "numReplicas", "sleepApplication", "cronSchedule", "overlapSeconds",
             "drainingSeconds", "region", "runtime"}
    assert set(railway(name)["deploy"]) <= known
