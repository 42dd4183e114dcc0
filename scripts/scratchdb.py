"""Throwaway databases on a server: test clones and the shadow database `status` builds."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Iterator

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo


def database_url(server_url: str, dbname: str) -> str:
    return make_conninfo(server_url, dbname=dbname)


def create_database(server_url: str, *, template: str | None = None, prefix: str = "ugig_test") -> str:
    """Create a fresh database (optionally cloned from a template) and return its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    query = sql.SQL("create database {}").format(sql.Identifier(name))
    if template:
        query = sql.SQL("create database {} template {} strategy file_copy").format(
            sql.Identifier(name), sql.Identifier(template)
        )
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(query)
    return name


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


@contextmanager
def scratch_database(server_url: str, prefix: str) -> Iterator[str]:
    """URL of an empty database that is dropped afterwards, whatever happens."""
    name = create_database(server_url, prefix=prefix)
    try:
        yield database_url(server_url, name)
    finally:
        drop_database(server_url, name)
