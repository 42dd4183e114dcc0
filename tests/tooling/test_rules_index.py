"""docs/rules.md stays true: each rule id names an existing enforcing object and exactly the tests
marked with it, and code and tests name no id the index lacks."""

from __future__ import annotations

import ast
import re
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INDEX = ROOT / "docs" / "rules.md"
CODE = [*ROOT.glob("supabase/**/*.sql"), *ROOT.glob("webhook_service/**/*.py"), *ROOT.glob("scripts/**/*.py"),
        *ROOT.glob("scripts/**/*.sql")]

ROW = re.compile(r"^\| ([A-Z][A-Z0-9-]+) \|(.*)\|(.*)\|(.*)\|(.*)\|$", re.M)
# `path` <kind words> `name`: the enforcing object and the file it lives in.
OBJECT = re.compile(r"`((?:supabase|webhook_service|scripts)/[^`]+)`[^`|]*`([^`]+)`")
TEST = re.compile(r"`(tests/[^`]+\.py)::(\w+)`")
COMMENT = re.compile(r"(?:--|#) rule: (.+)$", re.M)


def index() -> list[tuple[str, list[tuple[str, str]], list[tuple[str, str]]]]:
    """(id, [(file, object name)], [(test file, test name)]) per row of the index."""
    return [(rid, OBJECT.findall(enforced), TEST.findall(tests))
            for rid, _rule, enforced, _state, tests in ROW.findall(INDEX.read_text(encoding="utf-8"))]


def comment_ids(text: str) -> set[str]:
    return {rid.strip() for line in COMMENT.findall(text) for rid in line.split(",")}


def markers() -> dict[tuple[str, str], set[str]]:
    """(test file, test name) -> ids of its @pytest.mark.rule decorators, read without importing."""
    marked: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in (ROOT / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for deco in node.decorator_list:
                    if isinstance(deco, ast.Call) and ast.unparse(deco.func) == "pytest.mark.rule":
                        key = (path.relative_to(ROOT).as_posix(), node.name)
                        marked[key] |= {arg.value for arg in deco.args if isinstance(arg, ast.Constant)}
    return marked


def test_index_has_rules_and_no_duplicate_id():
    ids = [rid for rid, _, _ in index()]
    assert len(ids) > 100
    assert [rid for rid, n in Counter(ids).items() if n > 1] == []


def test_every_rule_names_an_existing_enforcing_object():
    problems = []
    for rid, objects, _ in index():
        if not objects:
            problems.append(f"{rid}: no enforcing object")
        for file, name in objects:
            path = ROOT / file
            if not path.is_file():
                problems.append(f"{rid}: {file} does not exist")
                continue
            text = path.read_text(encoding="utf-8")
            if rid not in comment_ids(text) and name not in text:
                problems.append(f"{rid}: {file} has neither a `rule: {rid}` comment nor {name!r}")
    assert problems == []


def test_every_rule_is_proved_by_exactly_the_tests_it_lists():
    by_id: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for key, ids in markers().items():
        for rid in ids:
            by_id[rid].add(key)
    problems = []
    for rid, _, tests in index():
        listed = set(tests)
        if not listed:
            problems.append(f"{rid}: no test listed")
        for file, name in sorted(listed - by_id[rid]):
            problems.append(f"{rid}: {file}::{name} is listed but not marked with it")
        for file, name in sorted(by_id[rid] - listed):
            problems.append(f"{rid}: {file}::{name} is marked with it but not listed")
    assert problems == []


def test_code_and_tests_name_only_indexed_ids_in_the_files_the_index_names():
    files = {rid: {file for file, _ in objects} for rid, objects, _ in index()}
    problems = []
    for path in CODE:
        rel = path.relative_to(ROOT).as_posix()
        for rid in sorted(comment_ids(path.read_text(encoding="utf-8"))):
            if rid not in files:
                problems.append(f"{rel}: rule {rid} is not in docs/rules.md")
            elif rel not in files[rid]:
                problems.append(f"{rel}: rule {rid} is commented here but its index line names other files")
    for (file, name), ids in markers().items():
        problems += [f"{file}::{name}: rule {rid} is not in docs/rules.md" for rid in sorted(ids - files.keys())]
    assert problems == []
