"""Send SQL the way PostgREST sends a request: one transaction per request, `set local role`,
`request.jwt.claims` set to the caller's JWT claims, PostgREST's search_path.

`Caller.sql()` is one request. A rejected request raises; `rejects()` asserts its SQLSTATE and
message, and since the whole transaction rolled back, nothing it did was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Sequence

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from ugig_db.pgrest import anon_claims, begin_request, service_claims, user_claims

__all__ = ["Caller", "anon_claims", "service_claims", "user_claims"]


@dataclass
class Caller:
    """One identity sending requests over a connection, as PostgREST would for its JWT."""

    conn: psycopg.Connection
    role: str
    claims: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)  # extra `set local`s (realtime.topic)

    def sql(self, query: str | sql.Composable, params: Sequence[Any] | dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one request in its own transaction and return its rows (empty for no rows)."""
        with self.conn.transaction():
            begin_request(self.conn, self.role, self.claims, self.settings)
            with self.conn.cursor(row_factory=dict_row) as cur:
                cur.execute(query, params)
                return cur.fetchall() if cur.description else []

    def one(self, query: str | sql.Composable, params: Any = None) -> dict[str, Any]:
        rows = self.sql(query, params)
        assert len(rows) == 1, f"expected exactly one row, got {len(rows)}: {rows}"
        return rows[0]

    def scalar(self, query: str | sql.Composable, params: Any = None) -> Any:
        row = self.one(query, params)
        assert len(row) == 1, f"expected one column, got {list(row)}"
        return next(iter(row.values()))

    def rpc(self, function: str, **args: Any) -> Any:
        """Call public.<function>(name => value, ...) as PostgREST's /rpc does; returns its value."""
        named = sql.SQL(", ").join(
            sql.SQL("{} => {}").format(sql.Identifier(k), sql.Placeholder(k)) for k in args
        )
        query = sql.SQL("select public.{}({}) as result").format(sql.Identifier(function), named)
        return self.one(query, args)["result"]

    def rpc_rows(self, function: str, **args: Any) -> list[dict[str, Any]]:
        """Call a set-returning public.<function> and return its rows."""
        named = sql.SQL(", ").join(
            sql.SQL("{} => {}").format(sql.Identifier(k), sql.Placeholder(k)) for k in args
        )
        query = sql.SQL("select * from public.{}({})").format(sql.Identifier(function), named)
        return self.sql(query, args)

    def rejects(self, sqlstate: str, query: str | sql.Composable, params: Any = None,
                *, match: str | None = None) -> psycopg.Error:
        """Assert the request fails with this SQLSTATE (and message regex); return the error."""
        try:
            rows = self.sql(query, params)
        except psycopg.Error as exc:
            assert exc.sqlstate == sqlstate, (
                f"expected SQLSTATE {sqlstate}, got {exc.sqlstate}: {exc.diag.message_primary}"
            )
            if match is not None:
                message = exc.diag.message_primary or ""
                assert re.search(match, message, re.IGNORECASE), f"message {message!r} !~ {match!r}"
            return exc
        raise AssertionError(f"expected SQLSTATE {sqlstate}, but the request succeeded: {rows}")

    def rejects_rpc(self, sqlstate: str, function: str, *, match: str | None = None, **args: Any) -> psycopg.Error:
        named = sql.SQL(", ").join(
            sql.SQL("{} => {}").format(sql.Identifier(k), sql.Placeholder(k)) for k in args
        )
        query = sql.SQL("select public.{}({})").format(sql.Identifier(function), named)
        return self.rejects(sqlstate, query, args, match=match)

    def affects_nothing(self, query: str | sql.Composable, params: Any = None) -> None:
        """Assert a write (with `returning`) was silently filtered by RLS: zero rows."""
        rows = self.sql(query, params)
        assert rows == [], f"expected the write to affect no row, it returned {rows}"

    def expect(self, expected: str | int, query: str | sql.Composable, params: Any = None) -> None:
        """One cell of an actor × command matrix: the SQLSTATE the request raises (a string), or
        how many rows it returns or affects (a number; 0 = silently filtered by RLS)."""
        if isinstance(expected, str):
            self.rejects(expected, query, params)
        elif expected == 0:
            self.affects_nothing(query, params)
        else:
            rows = self.sql(query, params)
            assert len(rows) == expected, f"expected {expected} row(s), got {rows}"
