"""`ugig-db lint`: sqlfluff over supabase/ with the repository's .sqlfluff (postgres dialect)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ugig_db import paths

CONFIG = paths.PROJECT_ROOT / ".sqlfluff"


def command(targets: list[Path], *, fix: bool = False) -> list[str]:
    # One process: the machine's cores are shared; the files are small.
    action = ["fix"] if fix else ["lint"]
    return [
        sys.executable, "-m", "sqlfluff", *action,
        "--config", str(CONFIG), "--processes", "1", "--disable-progress-bar",
        *[str(t) for t in targets],
    ]


# rule: TOOL-LINT
def run(targets: list[Path] | None = None, *, fix: bool = False) -> subprocess.CompletedProcess:
    """Lint (or fix) the given files or directories, default supabase/; output is captured."""
    return subprocess.run(
        command(targets or [paths.SUPABASE_DIR], fix=fix),
        cwd=paths.PROJECT_ROOT, capture_output=True, text=True,
    )
