"""`ugig-db advise`: Supabase's own advisors (the pinned CLI) plus ours in scripts/advisors/.

Each of our checks is one query, `scripts/advisors/<name>.sql`, returning (level, object,
detail) rows, documented in `<name>.md` beside it and tested in `tests/tooling/advisors/test_<name>.py`.
Any WARN or ERROR makes the command fail; INFO findings are printed only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import psycopg

from ugig_db import paths, supabase_cli

ADVISORS_DIR = paths.PROJECT_ROOT / "scripts" / "advisors"
LEVELS = ("ERROR", "WARN", "INFO")
FAILING = {"ERROR", "WARN"}


@dataclass(frozen=True)
class Finding:
    level: str
    check: str  # ours: the file's name; Supabase's: "supabase:<lint name>"
    detail: str
    remediation: str  # our .md, or Supabase's documentation URL

    def __str__(self) -> str:
        return f"{self.level:<5}  {self.check}: {self.detail}\n       see {self.remediation}"


def checks(directory: Path = ADVISORS_DIR) -> list[Path]:
    return sorted(directory.glob("*.sql"))


def run_check(conn: psycopg.Connection, check: Path) -> list[Finding]:
    doc = check.with_suffix(".md").relative_to(paths.PROJECT_ROOT).as_posix()
    return [
        Finding(level, check.stem, detail, doc)
        for level, _object, detail in conn.execute(check.read_text(encoding="utf-8").encode()).fetchall()
    ]


def ours(db_url: str) -> list[Finding]:
    # Read-only by construction: one transaction that is always rolled back.
    with psycopg.connect(db_url, autocommit=True) as conn, conn.transaction(force_rollback=True):
        conn.execute("set transaction read only")
        return [finding for check in checks() for finding in run_check(conn, check)]


def supabase(db_url: str) -> list[Finding]:
    payload = supabase_cli.run_json(["db", "advisors", "--type", "all", "--level", "info"], db_url)
    return [
        Finding(r["level"], f"supabase:{r['name']}", r["detail"], r.get("remediation", ""))
        for r in payload.get("results") or []
    ]


# rule: TOOL-ADVISE
def advise(db_url: str, *, out: Callable[[str], None] = print) -> list[Finding]:
    """Print every finding, most severe first, then a summary line; return the findings."""
    findings = ours(db_url) + supabase(db_url)
    findings.sort(key=lambda f: (LEVELS.index(f.level) if f.level in LEVELS else 0, f.check, f.detail))
    for finding in findings:
        out(str(finding))
    counts = {level: sum(f.level == level for f in findings) for level in LEVELS}
    out(f"advise: {counts['ERROR']} error(s), {counts['WARN']} warning(s), {counts['INFO']} info")
    return findings


def failing(findings: list[Finding]) -> list[Finding]:
    """Findings that fail the command: every WARN and ERROR (and any level we do not know)."""
    return [f for f in findings if f.level not in LEVELS or f.level in FAILING]
