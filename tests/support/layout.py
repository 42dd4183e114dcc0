"""Scratch copies of the project's SQL layout in a temp dir, for tests of the tooling itself."""

from __future__ import annotations

from pathlib import Path

from ugig_db import capture, paths
from ugig_db.migrate import Layout

# A small schema for the tooling's own tests: a table of items (a migration) and its policies.
ITEMS = """create table public.items (
    id bigint generated always as identity primary key,
    owner_id uuid not null references auth.users (id) on delete cascade,
    title text not null
);
create index items_owner_id_idx on public.items (owner_id);
"""
ITEMS_POLICIES = """-- Everyone reads items; owners insert their own.
alter table public.items enable row level security;
grant select on public.items to anon, authenticated;
grant insert on public.items to authenticated;
create policy items_select_all on public.items for select to anon, authenticated using (true);
create policy items_insert_own on public.items for insert to authenticated
    with check (owner_id = (select auth.uid()));
"""


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
