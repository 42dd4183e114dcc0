-- rule: API-RLS-EVERYWHERE
-- Tables in `public` with row level security off (extension members excluded).
-- Columns: level, object, detail.
select
    'ERROR' as level,
    format('public.%I', c.relname) as object,
    format('table public.%I has row level security disabled', c.relname) as detail
from pg_catalog.pg_class as c
inner join pg_catalog.pg_namespace as n on c.relnamespace = n.oid
where
    n.nspname = 'public'
    and c.relkind in ('r', 'p')
    and not c.relrowsecurity
    and not exists (
        select from pg_catalog.pg_depend as d
        where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e'
    )
order by object
