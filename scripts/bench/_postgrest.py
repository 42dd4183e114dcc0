"""The SQL PostgREST sends for a read (`GET /rest/v1/<table>?<filters>&order=…&limit=…&offset=…`)
and for a call of a set-returning function (`GET /rest/v1/rpc/<function>?<argument>=…`).

PostgREST wraps the table's query in a CTE and turns the page into one JSON body, with the page's
row count and the response GUCs beside it; every filter value, the limit and the offset are
bind parameters of type `unknown` that Postgres types from the column (psycopg sends a Python
`str` that way). Timing this statement, rather than a hand-written `select`, times what the
server really runs: the JSON encoding and the parameter typing included.
"""

from __future__ import annotations

from dataclasses import dataclass

WRAPPER = (
    "with pgrst_source as ({source}) "
    "select null::bigint as total_result_set, pg_catalog.count(_postgrest_t) as page_total, "
    "coalesce(json_agg(_postgrest_t), '[]') as body, "
    "nullif(current_setting('response.headers', true), '') as response_headers, "
    "nullif(current_setting('response.status', true), '') as response_status, "
    "'' as response_inserted "
    "from (select * from pgrst_source) as _postgrest_t"
)


@dataclass(frozen=True)
class Order:
    column: str
    descending: bool = False
    nulls: str | None = None  # "first" | "last" (`.nullsfirst` / `.nullslast`)

    def sql(self, table: str) -> str:
        text = f'{table}."{self.column}" {"desc" if self.descending else "asc"}'
        return text + (f" nulls {self.nulls}" if self.nulls else "")


def read(table: str, filters: list[str], order: list[Order], *, paged: bool = True) -> str:
    """`GET /<table>?<column>=eq.<value>&order=…[&limit=…&offset=…]`: each filter column is
    compared for equality with the parameter of the same name; the page is the parameters
    `limit` and `offset`."""
    qualified = f'"public"."{table}"'
    source = f"select {qualified}.* from {qualified}"
    if filters:
        source += " where " + " and ".join(f'{qualified}."{c}" = %({c})s' for c in filters)
    if order:
        source += " order by " + ", ".join(o.sql(qualified) for o in order)
    if paged:
        source += " limit %(limit)s offset %(offset)s"
    return WRAPPER.format(source=source)


def call(function: str, arguments: list[str]) -> str:
    """`GET /rpc/<function>?<argument>=<value>&…`: each argument passed by name as the parameter of
    the same name, the function's rows the page."""
    named = ", ".join(f'"{a}" := %({a})s' for a in arguments)
    return WRAPPER.format(source=f'select "pgrst_call".* from "public"."{function}"({named}) as "pgrst_call"')
