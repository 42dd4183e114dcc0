"""The project's SQL files: versioned migrations, function files and policy files."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ugig_db import paths
from ugig_db.sqlsplit import Statement, split

MIGRATION_NAME = re.compile(r"^(?P<version>\d{14})_(?P<name>[a-z0-9_]+)\.sql$")


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
        return _shown(self.path)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @cached_property
    def statements(self) -> list[Statement]:
        return split(self.text)


@dataclass(frozen=True)
class Migration(SqlFile):
    version: str = ""
    name: str = ""


def migrations(directory: Path | None = None) -> list[Migration]:
    """Every file of the directory is a migration (hidden files aside): a misnamed one (`.SQL`,
    `.txt`, no version) is an error naming it, never silently skipped."""
    directory = directory or paths.MIGRATIONS_DIR
    found: list[Migration] = []
    for path in sorted(p for p in directory.iterdir() if not p.name.startswith(".")):
        match = MIGRATION_NAME.match(path.name)
        if not match or not path.is_file():
            raise SqlFileError(
                f"{_shown(path)}: migration files are named <YYYYMMDDHHMMSS>_<snake_name>.sql"
            )
        found.append(Migration(path, "migration", match["version"], match["name"]))
    by_version: dict[str, list[Migration]] = {}
    for m in found:
        by_version.setdefault(m.version, []).append(m)
    for version, same in by_version.items():
        if len(same) > 1:
            raise SqlFileError(
                f"two migrations share the version {version}: {' and '.join(m.rel for m in same)}"
            )
    return found


def _shown(path: Path) -> str:
    return path.relative_to(paths.PROJECT_ROOT).as_posix() if path.is_relative_to(paths.PROJECT_ROOT) else path.as_posix()


def functions(directory: Path | None = None) -> list[SqlFile]:
    return [SqlFile(p, "function") for p in sorted((directory or paths.FUNCTIONS_DIR).glob("*.sql"))]


def policies(directory: Path | None = None) -> list[SqlFile]:
    return [SqlFile(p, "policy") for p in sorted((directory or paths.POLICIES_DIR).glob("*.sql"))]


def bootstrap(directory: Path | None = None) -> list[SqlFile]:
    return [SqlFile(p, "bootstrap") for p in sorted((directory or paths.BOOTSTRAP_DIR).glob("*.sql"))]
