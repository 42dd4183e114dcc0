"""ugig_service, the service's login role (SPEC §1): it may execute exactly the `private`
functions the service and its workers call, and nothing else. The lists below are the whole of
what it may do; a new privilege fails here until it is added on purpose."""

from __future__ import annotations

import psycopg
import pytest
from psycopg import sql

from ugig_db import migrate, scratchdb, service_role

# What the service and its workers call (webhook_service/, scripts/stripe_reconcile.py).
SERVICE_FUNCTIONS = {
    # billing: the webhook, checkout and portal
    "private.stripe_apply_event(jsonb,text[])",
    "private.stripe_outcome_processed(text)",
    "private.stripe_billing_account(uuid)",
    "private.stripe_link_customer(uuid,text)",
    # billing: `ugig-db stripe-reconcile`
    "private.stripe_stale_subscriptions(interval,integer)",
    "private.stripe_replay_pending(text[],interval,integer)",
    "private.stripe_prune_events(interval,integer)",
    # Jitsi room tokens
    "private.jitsi_call_access(uuid,uuid)",
    # the e-mail worker and one-click unsubscribe
    "private.claim_emails(integer,interval,integer,text,double precision)",
    "private.complete_emails(uuid,jsonb)",
    "private.email_unsubscribe(uuid,text)",
    # Agents: the API key exchange and the outgoing webhook worker.
    "private.api_key_authenticate(text)",
    "private.claim_webhook_deliveries(integer,interval,text)",
    "private.record_webhook_delivery(uuid,uuid,integer,text)",
    "private.purge_webhook_deliveries(interval)",
    # Community: verification decisions (SPEC §7 names the service as a reviewer).
    "private.review_verification_request(uuid,boolean,text)",
}
# Usage on `private` to reach those functions; on `public` every role has it (PUBLIC's default,
# as on hosted Supabase) and holds nothing in it.
SCHEMA_PRIVILEGES = {("private", "USAGE"), ("public", "USAGE")}
SCHEMAS = ("public", "private", "auth", "storage", "realtime", "extensions")
TABLE_SCHEMAS = ("public", "private", "auth", "storage")


def effective_privileges(conn: psycopg.Connection) -> dict[str, set]:
    """Everything ugig_service may do here, however it got it (grants to it, to PUBLIC, to roles
    it is a member of), read with has_*_privilege."""
    role = service_role.ROLE
    functions = {row[0] for row in conn.execute(
        """select format('%%I.%%I(%%s)', n.nspname, p.proname, replace(pg_catalog.oidvectortypes(p.proargtypes), ', ', ','))
           from pg_catalog.pg_proc as p join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
           where n.nspname in ('public', 'private') and has_function_privilege(%s, p.oid, 'execute')""", (role,))}
    tables = set(conn.execute(
        """select format('%%I.%%I', n.nspname, c.relname), priv
           from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
           cross join unnest(array['select', 'insert', 'update', 'delete', 'truncate', 'references', 'trigger']) as priv
           where n.nspname = any(%s) and c.relkind in ('r', 'p', 'v', 'm', 'f')
             and has_table_privilege(%s, c.oid, priv)""", (list(TABLE_SCHEMAS), role)).fetchall())
    columns = set(conn.execute(
        """select format('%%I.%%I.%%I', n.nspname, c.relname, a.attname), priv
           from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
           join pg_catalog.pg_attribute as a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
           cross join unnest(array['select', 'insert', 'update', 'references']) as priv
           where n.nspname = any(%s) and c.relkind in ('r', 'p', 'v', 'm', 'f')
             and has_column_privilege(%s, c.oid, a.attnum, priv)""", (list(TABLE_SCHEMAS), role)).fetchall())
    sequences = set(conn.execute(
        """select format('%%I.%%I', n.nspname, c.relname), priv
           from pg_catalog.pg_class as c join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
           cross join unnest(array['usage', 'select', 'update']) as priv
           where n.nspname = any(%s) and c.relkind = 'S' and has_sequence_privilege(%s, c.oid, priv)""",
        (list(TABLE_SCHEMAS), role)).fetchall())
    schemas = set(conn.execute(
        """select n.nspname, upper(priv) from pg_catalog.pg_namespace as n
           cross join unnest(array['usage', 'create']) as priv
           where n.nspname = any(%s) and has_schema_privilege(%s, n.oid, priv)""", (list(SCHEMAS), role)).fetchall())
    memberships = {row[0] for row in conn.execute(
        """select r.rolname from pg_catalog.pg_roles as r
           where r.rolname <> %s and pg_has_role(%s, r.oid, 'member')""", (role, role))}
    attributes = set(conn.execute(
        """select a.name from pg_catalog.pg_roles as r
           cross join lateral (values ('superuser', r.rolsuper), ('bypassrls', r.rolbypassrls),
               ('createrole', r.rolcreaterole), ('createdb', r.rolcreatedb), ('replication', r.rolreplication),
               ('login', r.rolcanlogin)) as a (name, held)
           where r.rolname = %s and a.held""", (role,)).fetchall())
    return {"functions": functions, "tables": tables, "columns": columns, "sequences": sequences,
            "schemas": schemas, "memberships": memberships, "attributes": {a for (a,) in attributes}}


@pytest.mark.rule("API-SERVICE-ROLE", "AGENT-SERVICE-FUNCTIONS")
def test_the_service_role_may_do_exactly_what_the_allow_list_says(db):
    assert effective_privileges(db.admin) == {
        "functions": SERVICE_FUNCTIONS, "tables": set(), "columns": set(), "sequences": set(),
        "schemas": SCHEMA_PRIVILEGES, "memberships": set(), "attributes": {"login"},
    }


@pytest.mark.rule("API-SERVICE-ROLE")
def test_the_allow_list_notices_a_new_privilege(db):
    """The listing is not blind: a grant anywhere shows up (here, one column of auth.users)."""
    db.execute("grant select (email) on auth.users to ugig_service")
    assert effective_privileges(db.admin)["columns"] == {("auth.users.email", "select")}


@pytest.mark.rule("API-SERVICE-ROLE")
def test_as_the_service_role_every_table_is_refused(db):
    tables = db.execute(
        """select n.nspname, c.relname from pg_catalog.pg_class as c
           join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
           where n.nspname in ('public', 'private') and c.relkind in ('r', 'p', 'v', 'm', 'f')
           order by 1, 2""")
    assert len(tables) > 20
    refused = []
    with psycopg.connect(db.service_url, autocommit=True) as conn:
        assert conn.execute("select current_user").fetchone() == (service_role.ROLE,)
        for schema, table in tables:
            try:
                conn.execute(sql.SQL("select * from {}.{} limit 1").format(sql.Identifier(schema), sql.Identifier(table)))
            except psycopg.errors.InsufficientPrivilege:
                refused.append((schema, table))
    assert refused == tables


def test_a_second_database_on_the_same_server_migrates_with_the_role_already_there(db_server, template_db):
    """Roles are cluster-wide: the template's migration created ugig_service; another database
    on this server finds it and keeps its password."""
    with scratchdb.scratch_database(db_server, "ugig_second") as url:
        migrate.migrate(url, out=lambda _line: None)
        with psycopg.connect(url) as conn:
            assert conn.execute("select count(*) from pg_catalog.pg_roles where rolname = 'ugig_service'"
                                ).fetchone() == (1,)
            assert conn.execute("select rolpassword is not null from pg_catalog.pg_authid "
                                "where rolname = 'ugig_service'").fetchone() == (True,)
