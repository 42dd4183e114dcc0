"""The tooling is the `ugig_db` package (the scripts/ directory, mapped by package-dir)."""

from __future__ import annotations

import re
import subprocess
import sys

from ugig_db import paths

# The previous release's own `scripts` package, run by the upgrade test, is the one exception.
OLD_RELEASE = "tests/tooling/test_deploy_parity.py"
IMPORT = re.compile(r"^\s*(?:from scripts(?:\.\w+)* import|import scripts\b)|-m scripts\.", re.M)


def test_nothing_imports_the_tooling_as_scripts():
    tracked = subprocess.run(["git", "-C", str(paths.PROJECT_ROOT), "ls-files", "*.py", "Makefile", "*.md"],
                             capture_output=True, text=True, check=True).stdout.split()
    offenders = [f for f in tracked if f != OLD_RELEASE and IMPORT.search((paths.PROJECT_ROOT / f).read_text())]
    assert offenders == []


def test_ugig_db_imports_from_anywhere_and_scripts_does_not(tmp_path):
    probe = ("import importlib.util, ugig_db.cli, ugig_db.bench; "
             "print(importlib.util.find_spec('scripts') is None, ugig_db.cli.__file__)")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True)
    missing, cli_file = out.stdout.split()
    assert missing == "True"
    assert cli_file == str(paths.PROJECT_ROOT / "scripts" / "cli.py")
