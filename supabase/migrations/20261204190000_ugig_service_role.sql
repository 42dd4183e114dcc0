-- The Flask service and its workers stop connecting as postgres (owner of every table,
-- BYPASSRLS): they log in as ugig_service, which may only execute the private functions they
-- call (each grant sits beside its function in supabase/functions_sql/). No password here: the
-- deploy sets one (docs/deploy.md). create role's defaults are what the role must be: no
-- superuser, createdb, createrole, replication or bypassrls, and no membership.
-- Roles are cluster-wide, so it is created only where the server has none yet (a second
-- database on the same server, as in the tests, finds it).
do $$
begin
    if not exists (select from pg_catalog.pg_roles where rolname = 'ugig_service') then
        create role ugig_service login;
    end if;
end
$$;

-- To call private functions a role needs usage on their schema; the functions decide the rest.
grant usage on schema private to ugig_service;
