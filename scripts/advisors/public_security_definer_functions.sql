-- rule: API-NO-PUBLIC-DEFINER
-- `security definer` functions in `public` (not owned by an extension).
-- Columns: level, object, detail.
select
    'ERROR' as level,
    format('public.%I(%s)', p.proname, pg_get_function_identity_arguments(p.oid)) as object,
    format(
        'function public.%I(%s) is security definer in the API schema',
        p.proname, pg_get_function_identity_arguments(p.oid)
    ) as detail
from pg_catalog.pg_proc as p
inner join pg_catalog.pg_namespace as n on p.pronamespace = n.oid
where
    n.nspname = 'public'
    and p.prosecdef
    and not exists (
        select from pg_catalog.pg_depend as d
        where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'
    )
order by object
