-- rule: API-PRIVATE-TABLES, AGENT-SECRETS-PRIVATE
-- Tables, views and sequences in `private` on which anon, authenticated or PUBLIC hold a
-- privilege (whole-table or column). Columns: level, object, detail.
with api_roles as (
    select oid, rolname::text as name from pg_catalog.pg_roles
    where rolname in ('anon', 'authenticated')
    union all
    select 0, 'public'
),

relations as (
    select
        c.oid,
        c.relname,
        c.relacl,
        c.relowner,
        case c.relkind when 'S' then 'sequence' when 'v' then 'view'
            when 'm' then 'materialized view' else 'table' end as kind
    from pg_catalog.pg_class as c
    inner join pg_catalog.pg_namespace as n on c.relnamespace = n.oid
    where n.nspname = 'private' and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
)

select
    'ERROR' as level,
    format('private.%I', r.relname) as object,
    format('%s has %s on %s private.%I', ar.name, lower(a.privilege_type), r.kind, r.relname) as detail
from relations as r
cross join lateral aclexplode(
    coalesce(r.relacl, acldefault(case when r.kind = 'sequence' then 's' else 'r' end::"char", r.relowner))
) as a
inner join api_roles as ar on a.grantee = ar.oid
union all
select
    'ERROR' as level,
    format('private.%I', r.relname) as object,
    format('%s has %s (%I) on %s private.%I', ar.name, lower(g.privilege_type), att.attname, r.kind, r.relname)
    as detail
from relations as r
inner join pg_catalog.pg_attribute as att on r.oid = att.attrelid and att.attacl is not null
cross join lateral aclexplode(att.attacl) as g
inner join api_roles as ar on g.grantee = ar.oid
order by object, detail
