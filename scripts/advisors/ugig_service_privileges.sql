-- rule: API-SERVICE-ROLE
-- Anything the service's login role ugig_service holds beyond what SPEC §1 allows it: execute
-- on functions in `private` and usage on schema `private`. Flags its role attributes
-- (superuser, bypassrls, createrole, createdb, replication), every role it is a member of, and
-- every privilege granted to it by name: on a table, view, sequence or column, a function
-- outside `private`, a schema other than usage on `private`, or any default privilege (even on
-- future functions in `private`: each grant is made by name, beside its function).
-- Columns: level, object, detail. No finding where the role does not exist.
with service as (
    select oid, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication
    from pg_catalog.pg_roles
    where rolname = 'ugig_service'
),

attributes as (
    select a.attribute
    from service as s
    cross join lateral (
        values
        ('superuser', s.rolsuper),
        ('bypassrls', s.rolbypassrls),
        ('createrole', s.rolcreaterole),
        ('createdb', s.rolcreatedb),
        ('replication', s.rolreplication)
    ) as a (attribute, held)
    where a.held
),

relations as (
    select
        c.oid,
        n.nspname,
        c.relname,
        c.relacl,
        case c.relkind when 'S' then 'sequence' when 'v' then 'view'
            when 'm' then 'materialized view' else 'table' end as kind
    from pg_catalog.pg_class as c
    inner join pg_catalog.pg_namespace as n on c.relnamespace = n.oid
    where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
        and n.nspname not in ('pg_catalog', 'information_schema')
)

select
    'ERROR' as level,
    'role ugig_service' as object,
    format('ugig_service has the %s attribute', a.attribute) as detail
from attributes as a
union all
select
    'ERROR' as level,
    'role ugig_service' as object,
    format('ugig_service is a member of %I', r.rolname) as detail
from service as s
inner join pg_catalog.pg_auth_members as m on s.oid = m.member
inner join pg_catalog.pg_roles as r on m.roleid = r.oid
union all
select
    'ERROR' as level,
    format('%I.%I', rel.nspname, rel.relname) as object,
    format('ugig_service has %s on %s %I.%I', lower(g.privilege_type), rel.kind, rel.nspname, rel.relname)
    as detail
from relations as rel
cross join lateral aclexplode(rel.relacl) as g
inner join service as s on g.grantee = s.oid
union all
select
    'ERROR' as level,
    format('%I.%I', rel.nspname, rel.relname) as object,
    format(
        'ugig_service has %s (%I) on %s %I.%I',
        lower(g.privilege_type), att.attname, rel.kind, rel.nspname, rel.relname
    ) as detail
from relations as rel
inner join pg_catalog.pg_attribute as att on rel.oid = att.attrelid and att.attacl is not null
cross join lateral aclexplode(att.attacl) as g
inner join service as s on g.grantee = s.oid
union all
select
    'ERROR' as level,
    format('%I.%I', n.nspname, p.proname) as object,
    format(
        'ugig_service may execute %I.%I(%s) outside schema private',
        n.nspname, p.proname, pg_catalog.oidvectortypes(p.proargtypes)
    ) as detail
from pg_catalog.pg_proc as p
inner join pg_catalog.pg_namespace as n on p.pronamespace = n.oid
cross join lateral aclexplode(p.proacl) as g
inner join service as s on g.grantee = s.oid
where n.nspname <> 'private'
union all
select
    'ERROR' as level,
    format('schema %I', n.nspname) as object,
    format('ugig_service has %s on schema %I', lower(g.privilege_type), n.nspname) as detail
from pg_catalog.pg_namespace as n
cross join lateral aclexplode(n.nspacl) as g
inner join service as s on g.grantee = s.oid
where not (n.nspname = 'private' and g.privilege_type = 'USAGE')
union all
select
    'ERROR' as level,
    'default privileges' as object,
    format(
        'ugig_service gets %s on new %s%s by default',
        lower(g.privilege_type),
        case d.defaclobjtype when 'r' then 'tables' when 'S' then 'sequences' when 'f' then 'functions'
            when 'T' then 'types' else 'schemas' end,
        coalesce(' in schema ' || quote_ident(n.nspname), '')
    ) as detail
from pg_catalog.pg_default_acl as d
left join pg_catalog.pg_namespace as n on d.defaclnamespace = n.oid
cross join lateral aclexplode(d.defaclacl) as g
inner join service as s on g.grantee = s.oid
order by object, detail
