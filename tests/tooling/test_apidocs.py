"""docs/api.md is generated from the catalog and must match the migrated schema."""

from ugig_db import apidocs


def test_api_doc_matches_the_schema(db):
    expected = apidocs.render(db.admin)
    actual = apidocs.API_DOC.read_text(encoding="utf-8") if apidocs.API_DOC.exists() else ""
    assert actual == expected, "docs/api.md is stale: regenerate it with `python -m ugig_db.apidocs`"


def test_api_doc_covers_every_public_table_and_function(db):
    text = apidocs.render(db.admin)
    names = db.execute("""
        select relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where nspname = 'public' and relkind in ('r', 'v')
        union all
        select proname from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where nspname = 'public' and prorettype <> 'trigger'::regtype""")
    assert names and all(f"`{name}" in text for (name,) in names)


def test_api_doc_shows_column_grants_and_policies(db):
    text = apidocs.render(db.admin)
    gigs = text.split("### `gigs` (table)")[1].split("### ")[0]
    assert "- `anon`: select" in gigs
    assert "update (title, description" in gigs
    assert "policy (select, anon, authenticated): gigs are public unless draft" in gigs
