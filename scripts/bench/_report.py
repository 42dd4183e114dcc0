"""Shared pieces of the benchmarks: percentiles, plan checks, and docs/benchmarks.md sections."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, Iterator

from ugig_db import paths

BENCHMARKS_DOC = paths.PROJECT_ROOT / "docs" / "benchmarks.md"
DOC_HEADER = "# Benchmarks\n\nWritten by `make bench` (scripts/bench/); each section is replaced on every run.\n"


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0-100): the smallest sample with at least p% at or below it."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def plan_nodes(plan: Any) -> Iterator[dict[str, Any]]:
    """Every node of an EXPLAIN (format json) plan, depth first."""
    if isinstance(plan, list):
        for item in plan:
            yield from plan_nodes(item)
    elif isinstance(plan, dict):
        if "Plan" in plan:
            yield from plan_nodes(plan["Plan"])
            return
        yield plan
        for child in plan.get("Plans", []):
            yield from plan_nodes(child)


def seq_scans(plan: Any, big_tables: set[str]) -> list[str]:
    """Relations of `big_tables` (schema.table) that the plan reads with a sequential scan."""
    found = []
    for node in plan_nodes(plan):
        if node.get("Node Type") == "Seq Scan":
            name = f"{node.get('Schema', 'public')}.{node.get('Relation Name')}"
            if name in big_tables and name not in found:
                found.append(name)
    return found


def sorted_rows(plan: Any) -> list[int]:
    """How many rows each Sort node of an EXPLAIN ANALYZE plan sorted: its input's actual rows
    (over all loops); a top-N sort reads them all to keep its N."""
    counts = []
    for node in plan_nodes(plan):
        if node.get("Node Type") in ("Sort", "Incremental Sort"):
            counts += [round(c.get("Actual Rows", 0) * c.get("Actual Loops", 1)) for c in node.get("Plans", [])]
    return counts


def replace_section(name: str, body: str, path: Path = BENCHMARKS_DOC) -> None:
    """Replace the text between <!-- bench:NAME --> and <!-- /bench:NAME --> (append it when absent)."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else DOC_HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
