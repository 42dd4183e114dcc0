"""Split a SQL file into statements, the way psql and the Supabase CLI see them.

Semicolons inside quotes, quoted identifiers, dollar-quoted bodies and comments do not end a
statement. Each statement keeps the line it starts on so errors can point into the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?\$")


@dataclass(frozen=True)
class Statement:
    text: str
    line: int  # 1-based line of the file where the statement's first token stands


def split(sql: str) -> list[Statement]:
    statements: list[Statement] = []
    start = 0
    i = 0
    n = len(sql)
    paren_depth = 0
    while i < n:
        ch = sql[i]
        nxt = sql[i + 1] if i + 1 < n else ""
        if ch == "-" and nxt == "-":
            end = sql.find("\n", i)
            i = n if end == -1 else end + 1
        elif ch == "/" and nxt == "*":
            i = _skip_block_comment(sql, i)
        elif ch == "'" or ch == '"':
            escapes = ch == "'" and i > 0 and sql[i - 1] in "eE" and not _is_word_char(sql, i - 2)
            i = _skip_quoted(sql, i, ch, escapes)
        elif ch == "$" and (match := _DOLLAR_TAG.match(sql, i)) and not _is_word_char(sql, i - 1):
            closing = sql.find(match.group(0), match.end())
            i = n if closing == -1 else closing + len(match.group(0))
        elif ch == "(":
            paren_depth += 1
            i += 1
        elif ch == ")":
            paren_depth = max(0, paren_depth - 1)
            i += 1
        elif ch == ";" and paren_depth == 0:
            _append(statements, sql, start, i)
            i += 1
            start = i
        else:
            i += 1
    _append(statements, sql, start, n)
    return statements


def _is_word_char(sql: str, i: int) -> bool:
    return i >= 0 and (sql[i].isalnum() or sql[i] == "_")


def _skip_block_comment(sql: str, i: int) -> int:
    depth = 0
    n = len(sql)
    while i < n:
        if sql.startswith("/*", i):
            depth += 1
            i += 2
        elif sql.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n


def _skip_quoted(sql: str, i: int, quote: str, backslash_escapes: bool = False) -> int:
    i += 1
    n = len(sql)
    while i < n:
        if backslash_escapes and sql[i] == "\\":
            i += 2
            continue
        if sql[i] == quote:
            if i + 1 < n and sql[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return n


def _append(statements: list[Statement], sql: str, start: int, end: int) -> None:
    chunk = sql[start:end]
    body = _strip_leading_comments(chunk)
    if not body.strip():
        return
    offset = start + (len(chunk) - len(body))
    statements.append(Statement(text=body.rstrip(), line=sql.count("\n", 0, offset) + 1))


def _strip_leading_comments(chunk: str) -> str:
    while True:
        stripped = chunk.lstrip()
        if stripped.startswith("--"):
            newline = stripped.find("\n")
            chunk = "" if newline == -1 else stripped[newline + 1 :]
        elif stripped.startswith("/*"):
            chunk = stripped[_skip_block_comment(stripped, 0) :]
        else:
            return stripped
