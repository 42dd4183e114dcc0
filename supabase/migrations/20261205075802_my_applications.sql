-- my_applications(): the caller's applications as two ordered index ranges merged, for the busiest posters
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.my_applications(p_role text, p_before_created_at timestamp with time zone, p_before_id uuid, p_page_size integer)
 returns setof public.applications
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
declare
    v_uid uuid := auth.uid();
    -- The first page is the page before (infinity, any id): one index condition for every page.
    v_before_at timestamptz := coalesce(p_before_created_at, 'infinity'::timestamptz);
    v_before_id uuid := coalesce(p_before_id, '00000000-0000-0000-0000-000000000000'::uuid);
begin
    if v_uid is null then
        raise exception using errcode = '42501', message = 'sign in to list your applications';
    end if;
    if p_role is not null and p_role not in ('sent', 'received') then
        raise exception using errcode = '22023', message = 'role must be sent, received or null (both)';
    end if;
    if p_page_size is null or p_page_size not between 1 and 100 then
        raise exception using errcode = '22023', message = 'page_size must be between 1 and 100';
    end if;
    if (p_before_created_at is null) <> (p_before_id is null) then
        raise exception using errcode = '22023', message = 'before_created_at and before_id go together';
    end if;
    return query
    select m.*
    from (
        (
            select a.*
            from public.applications as a
            where p_role is distinct from 'received'
                and a.applicant_id = v_uid
                and (a.created_at, a.id) < (v_before_at, v_before_id)
            order by a.created_at desc, a.id desc
            limit p_page_size
        )
        union all
        (
            select a.*
            from public.applications as a
            where p_role is distinct from 'sent'
                and a.poster_id = v_uid
                and (a.created_at, a.id) < (v_before_at, v_before_id)
            order by a.created_at desc, a.id desc
            limit p_page_size
        )
    ) as m
    order by m.created_at desc, m.id desc
    limit p_page_size;
end
$function$;

create or replace function public.my_applications(role text default null::text, before_created_at timestamp with time zone default null::timestamp with time zone, before_id uuid default null::uuid, page_size integer default 20)
 returns setof public.applications
 language sql
 stable
 set search_path to ''
as $function$
    select * from private.my_applications(role, before_created_at, before_id, page_size)
$function$;

revoke all on function private.my_applications(text,timestamp with time zone,uuid,integer) from anon, authenticated, public;

grant execute on function private.my_applications(text,timestamp with time zone,uuid,integer) to authenticated;

revoke all on function public.my_applications(text,timestamp with time zone,uuid,integer) from anon, authenticated, public, service_role;

grant execute on function public.my_applications(text,timestamp with time zone,uuid,integer) to authenticated;

grant execute on function public.my_applications(text,timestamp with time zone,uuid,integer) to service_role;

comment on function public.my_applications(text,timestamp with time zone,uuid,integer) is 'The caller''s applications, newest first (created_at desc, id desc): role sent (as applicant), received (as the gig''s poster) or null for both. Keyset pagination: pass the last row''s created_at and id as before_created_at and before_id for the next page; page_size 1-100. 22023 for a bad argument. Use this for the "my applications" pages rather than reading applications by RLS alone or by poster_id (docs/queries.md).';
