/**
 * Marketplace RPCs: search_gigs, record_gig_view, set_application_status,
 * bulk_set_application_status and my_applications. Public functions are `security invoker`;
 * record_gig_view needs the owner's rights and is a thin wrapper over private.record_gig_view;
 * search_gigs reads through private.search_gigs so the text match can use its index, and
 * my_applications through private.my_applications so each half is an ordered index range (see there).
 */

/** Section - search_gigs */
-- rule: GIG-SEARCH, GIG-SEARCH-ARGS
create or replace function private.search_gigs(
    q text default null,
    category text default null,
    skills text [] default null,
    budget_type text default null,
    budget_min numeric default null,
    budget_max numeric default null,
    location_type text default null,
    sort text default 'relevance',
    cursor text default null,
    page_size integer default 20
)
returns setof public.gig_search_result
language plpgsql
stable
security definer
-- Reads gigs without RLS so the text match can use the GIN index: under RLS the planner may not
-- evaluate `@@` (not leakproof) before the gigs policy, so it would read every active gig of the
-- category. Only active gigs are read, which every role may see; public.search_gigs re-checks
-- each hit with the caller's rights.
set search_path = ''
as $$
declare
    v_query tsquery;
    v_sort text := coalesce(search_gigs.sort, 'relevance');
    v_key text;
    v_key_type text;
    v_after jsonb;
    v_after_key text;
    v_after_id uuid;
    -- Relevance ranks the gigs published since v_fresh_since first, then the older ones: ranking
    -- every match of a common word costs a heap visit per match, the fresh ones are few.
    v_fresh_since timestamptz;
    v_tier boolean;
    v_left integer := search_gigs.page_size;
    v_rows integer;
begin
    if search_gigs.page_size is null or search_gigs.page_size not between 1 and 50 then
        raise exception using errcode = '22023', message = 'page_size must be between 1 and 50';
    end if;
    if v_sort not in ('relevance', 'newest', 'budget') then
        raise exception using errcode = '22023', message = 'sort must be relevance, newest or budget';
    end if;
    if nullif(btrim(search_gigs.q), '') is not null then
        v_query := pg_catalog.websearch_to_tsquery('english'::regconfig, search_gigs.q);
        -- Only stop words ("the", "a"): nothing to match on, so no text filter at all.
        if pg_catalog.numnode(v_query) = 0 then
            v_query := null;
        end if;
    end if;
    -- Without a query every rank is equal: relevance means newest.
    if v_sort = 'relevance' and v_query is null then
        v_sort := 'newest';
    end if;
    -- The sort key as a plain expression, so `newest` and `budget` walk their indexes.
    v_key := case v_sort
        when 'relevance' then 'pg_catalog.ts_rank(g.search_vector, $1)'
        when 'budget' then 'coalesce(g.budget_max, g.budget_min, -1)'
        else 'g.published_at'
    end;
    v_key_type := case v_sort when 'relevance' then 'real' when 'budget' then 'numeric' else 'timestamptz' end;
    if v_sort = 'relevance' then
        v_fresh_since := now() - interval '7 days';
        v_tier := true;
    end if;
    if search_gigs.cursor is not null then
        begin
            v_after := convert_from(decode(search_gigs.cursor, 'base64'), 'UTF8')::jsonb;
            v_after_key := v_after ->> 'k';
            v_after_id := (v_after ->> 'id')::uuid;
            -- The key must read back as the sort's type.
            execute pg_catalog.format('select %L::%s', v_after_key, v_key_type);
            -- Later pages keep the first page's boundary, so no gig changes tier between pages.
            if v_sort = 'relevance' then
                v_fresh_since := (v_after ->> 'b')::timestamptz;
                v_tier := (v_after ->> 'f')::boolean;
            end if;
        exception when others then
            v_after := null;
        end;
        if v_after is null or v_after ->> 's' is distinct from v_sort or v_after_key is null or v_after_id is null
            or (v_sort = 'relevance' and (v_fresh_since is null or v_tier is null)) then
            raise exception using
                errcode = '22023', message = 'cursor is not valid for this search (use next_cursor of the same search)';
        end if;
    end if;

    loop
        -- The page is chosen first; only its rows build a cursor (cheap per row, not per match).
        -- $12/$13: the tier (fresh: an index condition; older: a filter, as it keeps most rows).
        return query execute pg_catalog.format(
            $sql$
            select
                h.id, h.poster_id, h.title, h.description, h.category, h.skills_required, h.ai_tools_preferred,
                h.budget_type, h.budget_min, h.budget_max, h.currency, h.duration, h.location_type, h.location,
                h.positions, h.status, h.published_at, h.applications_count, h.views_count, h.created_at, h.rank,
                translate(encode(convert_to(jsonb_strip_nulls(jsonb_build_object(
                    's', $11, 'k', h.k::text, 'id', h.id, 'f', $12, 'b', $13
                ))::text, 'UTF8'), 'base64'), E'\n', '')
            from (
                select
                    g.id, g.poster_id, g.title, g.description, g.category, g.skills_required,
                    g.ai_tools_preferred, g.budget_type, g.budget_min, g.budget_max, g.currency, g.duration,
                    g.location_type, g.location, g.positions, g.status, g.published_at, g.applications_count,
                    g.views_count, g.created_at,
                    case when $1 is null then 0::real else pg_catalog.ts_rank(g.search_vector, $1) end as rank,
                    %1$s as k
                from public.gigs as g
                where g.status = 'active'
                    and ($1 is null or g.search_vector @@ $1)
                    and ($2 is null or g.category = $2)
                    and ($3 is null or cardinality($3) = 0 or g.skills_required && $3)
                    and ($4 is null or g.budget_type = $4)
                    and ($5 is null or coalesce(g.budget_max, g.budget_min) >= $5)
                    and ($6 is null or coalesce(g.budget_min, g.budget_max) <= $6)
                    and ($7 is null or g.location_type = $7)
                    and ($8 is null or (%1$s, g.id) < ($8::%2$s, $9))
                    and ($12 is null or ($12 and g.published_at >= $13)
                        or (not $12 and (g.published_at < $13) is not false))
                order by %1$s desc, g.id desc
                limit $10
            ) as h
            order by h.k desc, h.id desc
            $sql$,
            v_key, v_key_type
        )
        using v_query, search_gigs.category, search_gigs.skills, search_gigs.budget_type, search_gigs.budget_min,
            search_gigs.budget_max, search_gigs.location_type, v_after_key, v_after_id, v_left, v_sort,
            v_tier, v_fresh_since;
        get diagnostics v_rows = row_count;
        v_left := v_left - v_rows;
        exit when v_left = 0 or v_tier is distinct from true;
        -- The fresh gigs ran out: the page goes on with the older ones, from their top.
        v_tier := false;
        v_after_key := null;
        v_after_id := null;
    end loop;
end
$$;
revoke execute on function private.search_gigs(text, text, text [], text, numeric, numeric, text, text, text, integer)
from public, anon, authenticated;
grant execute on function private.search_gigs(text, text, text [], text, numeric, numeric, text, text, text, integer)
to anon, authenticated, service_role;

-- rule: GIG-SEARCH
create or replace function public.search_gigs(
    q text default null,
    category text default null,
    skills text [] default null,
    budget_type text default null,
    budget_min numeric default null,
    budget_max numeric default null,
    location_type text default null,
    sort text default 'relevance',
    cursor text default null,
    page_size integer default 20
)
returns setof public.gig_search_result
language sql
stable
security invoker
set search_path = ''
as $$
    select
        h.id, h.poster_id, h.title, h.description, h.category, h.skills_required, h.ai_tools_preferred,
        h.budget_type, h.budget_min, h.budget_max, h.currency, h.duration, h.location_type, h.location,
        h.positions, h.status, h.published_at, h.applications_count, h.views_count, h.created_at,
        h.rank, h.next_cursor
    from private.search_gigs(
        search_gigs.q, search_gigs.category, search_gigs.skills, search_gigs.budget_type, search_gigs.budget_min,
        search_gigs.budget_max, search_gigs.location_type, search_gigs.sort, search_gigs.cursor, search_gigs.page_size
    ) with ordinality as h
    -- The caller's rights: each hit must be a gig the caller's policies let them read.
    where exists (select 1 from public.gigs as g where g.id = h.id)
    order by h.ordinality
$$;
revoke execute on function public.search_gigs(text, text, text [], text, numeric, numeric, text, text, text, integer)
from public, anon, authenticated;
grant execute on function public.search_gigs(text, text, text [], text, numeric, numeric, text, text, text, integer)
to anon, authenticated, service_role;
comment on function public.search_gigs(text, text, text [], text, numeric, numeric, text, text, text, integer) is
'Searches active gigs the caller can see. q: web-search syntax ("rust -java", "data pipeline", or), empty for all. '
'Filters: category slug, skills (any of), budget_type, budget_min/budget_max (overlap with the gig''s range), '
'location_type. sort: relevance (default: gigs published in the last 7 days first, then older ones, each by '
'text rank; newest without q) | newest | budget (highest first). '
'Keyset pagination: pass the next_cursor of the last row to get the next page; page_size 1-50 (22023 otherwise).';


/** Section - record_gig_view */
-- rule: GIG-VIEW
create or replace function private.record_gig_view(p_gig_id uuid)
returns boolean
language plpgsql
security definer
-- Writes the private view log and the gig's view counter, which viewers may not write.
set search_path = ''
as $$
declare
    v_uid uuid := (select auth.uid());
    v_gig record;
    v_headers jsonb;
    v_client text;
    v_key text;
begin
    select g.poster_id, g.status into v_gig from public.gigs as g where g.id = p_gig_id;
    if not found or (v_gig.status = 'draft' and v_gig.poster_id is distinct from v_uid) then
        raise exception using errcode = 'PT404', message = 'gig not found';
    end if;
    if v_gig.poster_id = v_uid then
        return false;  -- posters looking at their own gig are not views
    end if;
    if v_uid is not null then
        v_key := v_uid::text;
    else
        -- Visitors without an account are told apart by the client address the API gateway saw.
        begin
            v_headers := nullif(current_setting('request.headers', true), '')::jsonb;
        exception when others then
            v_headers := null;
        end;
        v_client := coalesce(
            v_headers ->> 'cf-connecting-ip',
            v_headers ->> 'x-real-ip',
            btrim(split_part(v_headers ->> 'x-forwarded-for', ',', 1))
        );
        if nullif(v_client, '') is null then
            return false;
        end if;
        v_key := 'ip:' || md5(v_client);
    end if;
    insert into private.gig_views (gig_id, viewer_key, viewer_id, viewed_on)
    values (p_gig_id, v_key, v_uid, (now() at time zone 'UTC')::date)
    on conflict do nothing;
    if not found then
        return false;
    end if;
    update public.gigs as g set views_count = g.views_count + 1 where g.id = p_gig_id;
    return true;
end
$$;
revoke execute on function private.record_gig_view(uuid) from public, anon, authenticated;
grant execute on function private.record_gig_view(uuid) to anon, authenticated, service_role;

-- rule: GIG-VIEW
create or replace function public.record_gig_view(gig_id uuid)
returns boolean
language sql
volatile
security invoker
set search_path = ''
as $$
    select private.record_gig_view(gig_id)
$$;
revoke execute on function public.record_gig_view(uuid) from public, anon, authenticated;
grant execute on function public.record_gig_view(uuid) to anon, authenticated, service_role;
comment on function public.record_gig_view(uuid) is
'Counts a view of a gig: at most one per viewer per gig per UTC day (signed-in users by id, visitors by client '
'address); the poster''s own views do not count. Returns true when counted. PT404 for a gig the caller cannot see.';

/** Section - Application status */
-- rule: APP-STATUS-RPC
create or replace function public.set_application_status(application_id uuid, status text)
returns public.applications
language plpgsql
volatile
security invoker
set search_path = ''
as $$
#variable_conflict use_variable
declare
    v_row public.applications;
begin
    update public.applications as a
    set status = set_application_status.status
    where a.id = set_application_status.application_id
    returning a.* into v_row;
    if not found then
        raise exception using errcode = 'PT404', message = 'application not found';
    end if;
    return v_row;
end
$$;
revoke execute on function public.set_application_status(uuid, text) from public, anon, authenticated;
grant execute on function public.set_application_status(uuid, text) to authenticated, service_role;
comment on function public.set_application_status(uuid, text) is
'Moves one application to a new status with the caller''s rights (poster: reviewing, shortlisted, rejected, '
'accepted; applicant: withdrawn). Returns the application. PT404 not visible, 42501 not yours to change, PT409 '
'transition not allowed or positions full.';

-- rule: APP-STATUS-RPC
create or replace function public.bulk_set_application_status(application_ids uuid [], status text)
returns setof public.applications
language plpgsql
volatile
security invoker
set search_path = ''
as $$
#variable_conflict use_variable
declare
    v_ids uuid [];
    v_count integer;
begin
    select coalesce(array_agg(distinct x), '{}') into v_ids
    from unnest(bulk_set_application_status.application_ids) as x
    where x is not null;
    if cardinality(v_ids) = 0 or cardinality(v_ids) > 50 then
        raise exception using errcode = '22023', message = 'application_ids must hold 1 to 50 ids';
    end if;
    return query
    update public.applications as a
    set status = bulk_set_application_status.status
    where a.id = any (v_ids)
    returning a.*;
    get diagnostics v_count = row_count;
    if v_count <> cardinality(v_ids) then
        -- All or nothing: one unknown or invisible id undoes the whole call.
        raise exception using
            errcode = 'PT404',
            message = pg_catalog.format('%s of the %s applications were not found', cardinality(v_ids) - v_count,
                cardinality(v_ids));
    end if;
end
$$;
revoke execute on function public.bulk_set_application_status(uuid [], text) from public, anon, authenticated;
grant execute on function public.bulk_set_application_status(uuid [], text) to authenticated, service_role;
comment on function public.bulk_set_application_status(uuid [], text) is
'Moves 1-50 applications to the same status, all or nothing (the same rules as set_application_status). '
'Returns the updated applications. 22023 for an empty or oversized list, PT404 when any id is not visible.';

/** Section - my_applications */
-- The caller's applications, sent, received or both, newest first: the "my applications" pages.
-- Security definer because under RLS each half (applicant_id = me, poster_id = me) is ANDed with
-- the read policy's `applicant_id = (select auth.uid()) or poster_id = (select auth.uid())`,
-- which the planner estimates as a handful of rows (it cannot know the initplan's value), so it
-- prefers a BitmapOr and a sort of all the caller's applications (up to 127k for the busiest
-- posters at scale 1) to the ordered index range (docs/queries.md). It needs no RLS: it reads only
-- rows whose applicant_id or poster_id is auth.uid(), exactly the rows that policy shows the caller.
-- Each half is the first page_size entries of one index range after the cursor; the two are merged
-- (a Merge Append of 2 x page_size rows at most). An application's applicant is never its gig's
-- poster (APP-NOT-OWN-GIG), so the halves are disjoint.
-- rule: APP-MINE
create or replace function private.my_applications(
    p_role text, p_before_created_at timestamptz, p_before_id uuid, p_page_size integer
)
returns setof public.applications
language plpgsql
stable
security definer
set search_path = ''
as $$
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
$$;
revoke execute on function private.my_applications(text, timestamptz, uuid, integer) from public, anon, authenticated;
grant execute on function private.my_applications(text, timestamptz, uuid, integer) to authenticated;

-- rule: APP-MINE
create or replace function public.my_applications(
    role text default null,
    before_created_at timestamptz default null,
    before_id uuid default null,
    page_size integer default 20
)
returns setof public.applications
language sql
stable
security invoker
set search_path = ''
as $$
    select * from private.my_applications(role, before_created_at, before_id, page_size)
$$;
revoke execute on function public.my_applications(text, timestamptz, uuid, integer) from public, anon, authenticated;
grant execute on function public.my_applications(text, timestamptz, uuid, integer) to authenticated;
comment on function public.my_applications(text, timestamptz, uuid, integer) is
'The caller''s applications, newest first (created_at desc, id desc): role sent (as applicant), received (as the '
'gig''s poster) or null for both. Keyset pagination: pass the last row''s created_at and id as before_created_at '
'and before_id for the next page; page_size 1-100. 22023 for a bad argument. Use this for the "my applications" '
'pages rather than reading applications by RLS alone or by poster_id (docs/queries.md).';
