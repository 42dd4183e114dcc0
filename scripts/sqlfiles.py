"""The project's SQL files: versioned migrations, function files and policy files."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from scripts import paths
from scripts.sqlsplit import Statement, split

MIGRATION_NAME = re.compile(r"^(?P<version>\d{14})_(?P<name>[a-z0-9_]+)\.sql$")
# `create policy <name> on <table>`: what a policy file covers.
_POLICY_TARGET = re.compile(
    r"^\s*create\s+policy\s+(?:\"(?:[^\"]|\"\")+\"|\S+)\s+on\s+(?P<table>(?:\"[^\"]+\"|[\w$]+)(?:\s*\.\s*(?:\"[^\"]+\"|[\w$]+))?)",
    re.IGNORECASE,
)


class SqlFileError(ValueError):
    """A file in supabase/ does not follow the project's conventions."""


@dataclass(frozen=True)
class SqlFile:
    path: Path
    kind: str  # "migration", "function" or "policy"

    @cached_property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def rel(self) -> str:
        """Path relative to the project; files elsewhere (scratch copies) keep their full path."""
        if self.path.is_relative_to(paths.PROJECT_ROOT):
            return self.path.relative_to(paths.PROJECT_ROOT).as_posix()
        return self.path.as_posix()

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @cached_property
    def statements(self) -> list[Statement]:
        return split(self.text)

    @cached_property
    def policy_tables(self) -> list[str]:
        """Tables whose policies this file declares, schema-qualified, in file order."""
        found: list[str] = []
        for stmt in self.statements:
            match = _POLICY_TARGET.match(stmt.text)
            if match:
                table = re.sub(r"\s+", "", match.group("table")).replace('"', "").lower()
                table = table if "." in table else f"public.{table}"
                if table not in found:
                    found.append(table)
        return found


@dataclass(frozen=True)
class Migration(SqlFile):
    version: str = ""
    name: str = ""


def migrations(directory: Path | None = None) -> list[Migration]:
    directory = directory or paths.MIGRATIONS_DIR
    found: list[Migration] = []
    for path in sorted(directory.glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if not match:
            raise SqlFileError(
                f"{path.name}: migration files are named <YYYYMMDDHHMMSS>_<snake_name>.sql"
            )
        found.append(Migration(path, "migration", match["version"], match["name"]))
    versions = [m.version for m in found]
    duplicates = sorted({v for v in versions if versions.count(v) > 1})
    if duplicates:
        raise SqlFileError(f"two migrations share the version {', '.join(duplicates)}")
    return found


def functions(directory: Path | None = None) -> list[SqlFile]:
    return [SqlFile(p, "function") for p in sorted((directory or paths.FUNCTIONS_DIR).glob("*.sql"))]


def policies(directory: Path | None = None) -> list[SqlFile]:
    return [SqlFile(p, "policy") for p in sorted((directory or paths.POLICIES_DIR).glob("*.sql"))]


def bootstrap(directory: Path | None = None) -> list[SqlFile]:
    return [SqlFile(p, "bootstrap") for p in sorted((directory or paths.BOOTSTRAP_DIR).glob("*.sql"))]
