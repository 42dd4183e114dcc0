"""`ugig-db advise`: Supabase's advisors and ours guard everyone's schema."""

from __future__ import annotations

import pytest

from ugig_db import advise, paths
from ugig_db.cli import main


@pytest.mark.rule("TOOL-ADVISE")
def test_fully_migrated_schema_has_no_advisor_warning_or_error(db):
    lines: list[str] = []
    findings = advise.advise(db.url, out=lines.append)
    failing = advise.failing(findings)
    assert not failing, (
        "`ugig-db advise` finds problems in the schema built from supabase/ — each names its "
        "check and where to read why and how to fix it:\n\n" + "\n".join(str(f) for f in failing)
    )


@pytest.mark.rule("TOOL-ADVISE")
def test_advise_fails_and_prints_ours_and_supabase_findings(db, capsys):
    db.execute("create table public.open_book (id int primary key)")
    db.execute("grant select on public.open_book to anon")
    assert main(["advise", "--db-url", db.url]) == 2
    out = capsys.readouterr().out
    assert "ERROR  public_tables_without_rls: table public.open_book has row level security disabled" in out
    assert "see scripts/advisors/public_tables_without_rls.md" in out
    assert "ERROR  supabase:rls_disabled_in_public: Table `public.open_book` is public" in out
    assert "WARN   granted_commands_without_policy: anon may select on public.open_book" in out
    assert out.splitlines()[-1].startswith("advise: 2 error(s), 1 warning(s)")


def test_info_findings_are_printed_but_do_not_fail(db, capsys):
    db.execute("create table private.no_key (note text)")
    assert main(["advise", "--db-url", db.url]) == 0
    assert "INFO   supabase:no_primary_key: Table `private.no_key` does not have a primary key" in (
        capsys.readouterr().out
    )


def test_each_check_has_its_documentation_and_test_beside_it():
    for check in advise.checks():
        assert check.with_suffix(".md").exists(), f"{check.name} has no {check.stem}.md"
        test = paths.PROJECT_ROOT / "tests" / "tooling" / "advisors" / f"test_{check.stem}.py"
        assert test.exists(), f"{check.name} has no test ({test.relative_to(paths.PROJECT_ROOT)})"
    assert len(advise.checks()) >= 5
