"""Scratch copies of the project's SQL layout in a temp dir, for tests of the tooling itself."""

from __future__ import annotations

from pathlib import Path

from scripts import capture, paths
from scripts.migrate import Layout


class ScratchLayout:
    """supabase/{migrations,functions_sql,policies} under a temp dir, with the real bootstrap."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.layout = Layout(
            bootstrap=paths.BOOTSTRAP_DIR,
            migrations=root / "supabase" / "migrations",
            functions=root / "supabase" / "functions_sql",
            policies=root / "supabase" / "policies",
        )
        for directory in (self.layout.migrations, self.layout.functions, self.layout.policies):
            directory.mkdir(parents=True, exist_ok=True)

    def migration(self, filename: str, text: str) -> Path:
        return self._write(self.layout.migrations / filename, text)

    def functions(self, filename: str, text: str) -> Path:
        return self._write(self.layout.functions / filename, text)

    def policies(self, filename: str, text: str) -> Path:
        return self._write(self.layout.policies / filename, text)

    @staticmethod
    def _write(path: Path, text: str) -> Path:
        path.write_text(text, encoding="utf-8")
        return path

    def capture(self, server_url: str, name: str = "captured") -> Path | None:
        """`ugig-db migration new <name>` over this layout: the new migration, or None."""
        statements = capture.pending_changes(server_url, self.layout)
        return capture.write_migration(self.layout, name, statements) if statements else None
