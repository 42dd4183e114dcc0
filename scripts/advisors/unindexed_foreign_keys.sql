-- Foreign keys in `public` and `private` whose columns are not the leading columns of any
-- complete (non-partial) index of their table. Columns: level, object, detail.
with foreign_keys as (
    select
        con.conrelid,
        con.conname,
        con.conkey,
        n.nspname,
        c.relname
    from pg_catalog.pg_constraint as con
    inner join pg_catalog.pg_class as c on con.conrelid = c.oid
    inner join pg_catalog.pg_namespace as n on c.relnamespace = n.oid
    where con.contype = 'f' and n.nspname in ('public', 'private')
)

select
    'WARN' as level,
    format('%I.%I', fk.nspname, fk.relname) as object,
    format(
        'foreign key %I on %I.%I (%s) has no index starting with its columns',
        fk.conname, fk.nspname, fk.relname,
        (
            select string_agg(quote_ident(a.attname), ', ' order by k.ord)
            from unnest(fk.conkey) with ordinality as k (attnum, ord)
            inner join pg_catalog.pg_attribute as a
                on a.attrelid = fk.conrelid and k.attnum = a.attnum
        )
    ) as detail
from foreign_keys as fk
where not exists (
    select from pg_catalog.pg_index as i
    where
        i.indrelid = fk.conrelid
        and i.indpred is null
        and (
            select array_agg(k order by k)
            from unnest((i.indkey::int2 [])[0:cardinality(fk.conkey) - 1]) as k
        ) = (select array_agg(k order by k) from unnest(fk.conkey) as k)
)
order by object, detail
