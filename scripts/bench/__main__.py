"""Run the benchmark modules of scripts/bench/ (all of them, or those named)."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

import ugig_db.bench as package


def modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(package.__path__) if not m.name.startswith("_"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ugig_db.bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"modules to run (default: all of {', '.join(modules())})")
    parser.add_argument("--db-url", default=os.environ.get("BENCH_DB_URL"), help="database to benchmark")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(modules()))
    if unknown:
        parser.error(f"unknown benchmark module(s): {', '.join(unknown)}")
    for name in args.names or modules():
        print(f"== bench: {name}", flush=True)
        importlib.import_module(f"ugig_db.bench.{name}").run(args.db_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
