"""Benchmarks: `make bench` (`python -m ugig_db.bench [module ...] [--db-url URL]`) runs every
module of this package that does not start with `_`. Each module defines
`run(db_url: str | None) -> None`; `db_url` is --db-url or BENCH_DB_URL when given, else None
(the module picks its own default, e.g. a local bench database it prepares itself)."""
