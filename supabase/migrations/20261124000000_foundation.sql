/**
 * Foundation: the `private` schema and the privilege defaults every later migration relies on.
 *
 * Supabase grants anon and authenticated everything on new objects in `public`; we revoke those
 * defaults so that each table and function states its own grants (basejump's approach), and
 * create `private` for internal tables and every security definer function. PostgREST never
 * exposes `private`; anon and authenticated may only use it to call the helpers that policies
 * and public RPCs need, which are granted one by one.
 */

/** Section - Public defaults */
-- Execute-to-PUBLIC on functions is a global default that per-schema entries cannot revoke.
alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke all on tables from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;
alter default privileges in schema public revoke execute on functions from anon, authenticated;

/** Section - Private schema */
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to anon, authenticated, service_role;
alter default privileges in schema private revoke all on tables from public, anon, authenticated;
alter default privileges in schema private revoke all on sequences from public, anon, authenticated;
alter default privileges in schema private grant all on tables to service_role;
alter default privileges in schema private grant all on sequences to service_role;

/** Section - Extensions the schema uses */
create extension if not exists pg_trgm with schema extensions;
