"""The command line of a generated file: write it, or with --check say whether it is stale."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from ugig_db import localdb, paths


def main(path: Path, render: Callable[[str], str], *, prog: str, remedy: str, description: str | None,
         argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--check", action="store_true", help=f"exit 1 if {path.name} is stale")
    args = parser.parse_args(argv)
    text = render(localdb.start())
    rel = path.relative_to(paths.PROJECT_ROOT)
    if args.check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"{rel} is stale: run `{remedy}`", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {rel}")
    return 0
