-- rule: API-GRANT-HAS-POLICY
-- Commands (select, insert, update, delete) that anon or authenticated may run on a table in
-- `public` (granted on the table or on any column) with no permissive policy for that role and
-- command. Columns: level, object, detail.
with commands (command, polcmd) as (
    values ('select', 'r'), ('insert', 'a'), ('update', 'w'), ('delete', 'd')
)

select
    'WARN' as level,
    format('public.%I', c.relname) as object,
    format(
        '%s may %s on public.%I, but no permissive policy allows it (add a policy, or revoke the grant)',
        r.rolname, cmd.command, c.relname
    ) as detail
from pg_catalog.pg_class as c
inner join pg_catalog.pg_namespace as n on c.relnamespace = n.oid
cross join pg_catalog.pg_roles as r
cross join commands as cmd
where
    n.nspname = 'public'
    and c.relkind in ('r', 'p')
    and r.rolname in ('anon', 'authenticated')
    and case
        when cmd.command = 'delete' then has_table_privilege(r.oid, c.oid, 'delete')
        else has_any_column_privilege(r.oid, c.oid, cmd.command)
    end
    and not exists (
        select from pg_catalog.pg_policy as pol
        where
            pol.polrelid = c.oid
            and pol.polpermissive
            and pol.polcmd in (cmd.polcmd, '*')
            and (
                pol.polroles = '{0}'
                or exists (
                    select from unnest(pol.polroles) as pr (oid)
                    where pg_has_role(r.oid, pr.oid, 'member')
                )
            )
    )
order by object, detail
