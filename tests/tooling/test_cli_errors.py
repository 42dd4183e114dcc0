"""Every `ugig-db` command answers a bad database URL or an unreachable database with one
clear line on stderr and exit 1, never a traceback."""

from __future__ import annotations

import pytest

from ugig_db import dburl
from ugig_db.cli import main

NOT_A_URL = "notaurl"
NOBODY_LISTENS = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"
COMMANDS = [["migrate"], ["status"], ["advise"], ["seed"], ["reset"], ["stripe-reconcile"], ["token", "ada"]]


@pytest.fixture(autouse=True)
def stripe_configured(monkeypatch):
    """stripe-reconcile checks its Stripe settings before the database: give it some."""
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_ugig_fake")
    monkeypatch.setenv("STRIPE_PRO_PRICE_ID", "price_ugig_pro")
    monkeypatch.setenv("STRIPE_API_BASE", "http://127.0.0.1:9")


def one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in captured.err, captured.err
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_db_url_that_is_not_a_url_is_one_line_and_exit_1(command, capsys):
    assert main([*command, "--db-url", NOT_A_URL]) == 1
    line = one_error_line(capsys)
    assert line.startswith(f"ugig-db {command[0]}: --db-url is not a PostgreSQL URL")


@pytest.mark.parametrize("command", [c for c in COMMANDS if c[0] != "reset"], ids=lambda c: c[0])
def test_a_bad_supabase_db_url_is_named(command, capsys, monkeypatch):
    monkeypatch.setenv("SUPABASE_DB_URL", NOT_A_URL)
    assert main(command) == 1
    assert one_error_line(capsys).startswith(f"ugig-db {command[0]}: SUPABASE_DB_URL is not a PostgreSQL URL")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_an_unreachable_database_is_one_line_and_exit_1(command, capsys):
    assert main([*command, "--db-url", NOBODY_LISTENS]) == 1
    line = one_error_line(capsys)
    assert line.startswith(f"ugig-db {command[0]}: database unavailable:") and "127.0.0.1" in line



def test_admin_commands_take_the_admin_url_first_and_reconcile_the_services(capsys, monkeypatch):
    # The deploy migrates as postgres while the service's URL is ugig_service's (docs/deploy.md).
    monkeypatch.setenv("SUPABASE_DB_URL", NOBODY_LISTENS)
    monkeypatch.setenv("SUPABASE_ADMIN_DB_URL", NOT_A_URL)
    assert main(["migrate"]) == 1
    assert one_error_line(capsys).startswith("ugig-db migrate: SUPABASE_ADMIN_DB_URL is not a PostgreSQL URL")
    assert dburl.resolve(None, admin=False) == NOBODY_LISTENS
