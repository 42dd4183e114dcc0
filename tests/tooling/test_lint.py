"""`ugig-db lint`: the repository's SQL stays clean under its .sqlfluff rules."""

import pytest

from ugig_db import lint, paths
from ugig_db.cli import main


@pytest.mark.rule("TOOL-LINT")
def test_every_sql_file_in_supabase_passes_lint():
    result = lint.run([paths.SUPABASE_DIR])
    assert result.returncode == 0, (
        "sqlfluff found problems in supabase/ (fix them, or run `ugig-db lint --fix <file>` on a "
        f"file that has not landed yet):\n{result.stdout}{result.stderr}"
    )


def test_lint_rejects_upper_case_keywords_and_types(tmp_path):
    bad = tmp_path / "bad.sql"
    bad.write_text("CREATE TABLE public.t (id INT primary key);\n")
    result = lint.run([bad])
    assert result.returncode != 0
    assert "CP01" in result.stdout and "CP05" in result.stdout


def test_lint_accepts_our_style(tmp_path):
    good = tmp_path / "good.sql"
    good.write_text(
        "-- Owners read their rows.\n"
        "alter table public.t enable row level security;\n"
        "grant select on public.t to authenticated;\n"
        "create policy t_select_own on public.t for select to authenticated\n"
        "    using (owner_id = (select auth.uid()));\n"
    )
    result = lint.run([good])
    assert result.returncode == 0, result.stdout


def test_lint_fix_lower_cases_keywords(tmp_path, capsys):
    sql_file = tmp_path / "fixme.sql"
    sql_file.write_text("SELECT 1;\n")
    assert main(["lint", "--fix", str(sql_file)]) == 0
    assert sql_file.read_text() == "select 1;\n"
