/**
 * The social feed (SPEC §7): feed(sort, tag, cursor, page_size, "window"), keyset-paginated over
 * one index per order (docs/community_posts.md says what each order guarantees between pages).
 */

/** Section - Cursors */
-- An opaque cursor: base64url of a JSON object naming the feed it belongs to and the last row's key.
create or replace function private.feed_cursor_encode(p_state jsonb)
returns text
language sql
immutable
set search_path = ''
as $$
    select rtrim(translate(encode(convert_to(p_state::text, 'UTF8'), 'base64'), E'+/\n', '-_'), '=')
$$;
revoke execute on function private.feed_cursor_encode(jsonb) from public, anon, authenticated;

create or replace function private.feed_cursor_decode(p_cursor text)
returns jsonb
language plpgsql
immutable
set search_path = ''
as $$
declare
    v_b64 text := translate(p_cursor, '-_', '+/');
begin
    v_b64 := v_b64 || repeat('=', (4 - char_length(v_b64) % 4) % 4);
    return convert_from(decode(v_b64, 'base64'), 'UTF8')::jsonb;
exception when others then
    raise exception using errcode = '22023', message = 'invalid cursor';
end
$$;
revoke execute on function private.feed_cursor_decode(text) from public, anon, authenticated;

/** Section - Feed */
-- rule: FEED-SORTS, FEED-PAGE, FEED-TAG, FEED-BLOCKS, FEED-FOLLOWING
create or replace function private.feed(
    p_sort text, p_tag text, p_cursor text, p_page_size integer, p_window text
)
returns table (
    id uuid,
    author_id uuid,
    author jsonb,
    body text,
    url text,
    kind text,
    tags text [],
    upvotes integer,
    downvotes integer,
    score integer,
    comments_count integer,
    created_at timestamptz,
    updated_at timestamptz,
    my_vote smallint,
    next_cursor text
)
language plpgsql
stable
security definer
-- Reads the private per-tag index and the caller's blocks; returns live posts only, which are
-- public to everyone.
set search_path = ''
as $$
declare
    v_uid uuid := auth.uid();
    v_tag text := nullif(lower(btrim(p_tag)), '');
    v_window text := coalesce(p_window, 'week');
    v_state jsonb;
    v_since timestamptz := '-infinity';
    v_after_key text;
    v_after_id uuid := 'ffffffff-ffff-ffff-ffff-ffffffffffff';
    v_key_column text;
    v_key_type text;
    v_source text;
    v_page text;
    v_followed uuid [];
    v_tags text [];
    v_blocked uuid [];
    v_window_ids uuid [];
begin
    if p_sort is null or p_sort not in ('new', 'top', 'hot', 'following') then
        raise exception using errcode = '22023', message = 'sort must be new, top, hot or following';
    end if;
    if p_sort = 'following' and v_uid is null then
        raise exception using errcode = '42501', message = 'sign in to see the posts of people and tags you follow';
    end if;
    if p_page_size is null or p_page_size not between 1 and 50 then
        raise exception using errcode = '22023', message = 'page_size must be between 1 and 50';
    end if;
    if p_sort = 'top' and v_window not in ('day', 'week', 'month', 'all') then
        raise exception using errcode = '22023', message = 'window must be day, week, month or all';
    end if;
    if p_sort <> 'top' then
        v_window := null;
    end if;
    if p_cursor is null then
        -- A top feed's window is fixed by its first page: later pages use the same start.
        v_since := case v_window
            when 'day' then now() - interval '1 day'
            when 'week' then now() - interval '7 days'
            when 'month' then now() - interval '30 days'
            else '-infinity'
        end;
    else
        v_state := private.feed_cursor_decode(p_cursor);
        if v_state ->> 'sort' is distinct from p_sort or v_state ->> 'tag' is distinct from v_tag
            or v_state ->> 'window' is distinct from v_window then
            raise exception using
                errcode = '22023', message = 'cursor is not valid for this feed (use next_cursor of the same feed)';
        end if;
        begin
            v_since := (v_state ->> 'since')::timestamptz;
            v_after_key := v_state ->> 'key';
            v_after_id := (v_state ->> 'id')::uuid;
        exception when others then
            raise exception using errcode = '22023', message = 'invalid cursor';
        end;
        if v_since is null or v_after_key is null or v_after_id is null then
            raise exception using errcode = '22023', message = 'invalid cursor';
        end if;
    end if;
    v_key_column := case p_sort when 'hot' then 'hot_rank' when 'top' then 'score' else 'created_at' end;
    v_key_type := case p_sort when 'hot' then 'numeric' when 'top' then 'integer' else 'timestamptz' end;
    v_after_key := coalesce(
        v_after_key, case p_sort when 'hot' then 'Infinity' when 'top' then '2147483647' else 'infinity' end
    );
    -- The people on the other side of a block with the caller (usually none), read once: the
    -- pages compare each row's author with them instead of looking blocks up per row (two index
    -- probes a row, most of the cost of ranking a day's few thousand posts).
    v_blocked := array(
        select b.blocked_id from public.user_blocks as b where b.blocker_id = v_uid
        union
        select b.blocker_id from public.user_blocks as b where b.blocked_id = v_uid
    );
    -- The page: one range of the order's index (posts_*_idx, or post_tags_*_idx for a tag), in
    -- index order, skipping posts across a block with the caller. Built as text so each request is
    -- planned with its own values (a generic plan cannot know how far back a window reaches).
    -- private.post_tags holds live posts only (kept by trigger); the post's author is read only
    -- when the caller has blocks to apply.
    v_source := case
        when v_tag is null then 'public.posts as k where k.deleted_at is null'
        when cardinality(v_blocked) = 0 then 'private.post_tags as k where k.tag = $5'
        else 'private.post_tags as k join public.posts as p0 on p0.id = k.post_id where k.tag = $5'
    end;
    v_page := pg_catalog.format(
        'select k.%1$s as key_id, k.%2$I::text as key_text, k.%2$I as key_value from %3$s '
        'and k.created_at >= $1 and (k.%2$I, k.%1$s) < ($2::%4$s, $3) '
        || case when cardinality(v_blocked) = 0 then '' else 'and not %5$s = any ($9) ' end
        || 'order by k.%2$I desc, k.%1$s desc limit $4',
        case when v_tag is null then 'id' else 'post_id' end,
        v_key_column,
        v_source,
        v_key_type,
        case when v_tag is null then 'k.author_id' else 'p0.author_id' end
    );
    if v_window = 'day' then
        -- A day's posts are few, and the best of them lie anywhere in the score index: read the
        -- day's range of the newest-first index and rank it (the planner, estimating the window
        -- from statistics, would walk the score index past thousands of older posts instead).
        v_page := 'with w as materialized (' || regexp_replace(v_page, ' order by .*$', '') || ') '
            || 'select * from w order by w.key_value desc, w.key_id desc limit $4';
    end if;
    if p_sort = 'following' then
        -- Newest first among the posts of followed authors and followed tags. First the window:
        -- the newest 50 pages of live posts below the cursor, read index-only from posts_new_idx
        -- (it carries author_id and tags), keeping those of followed authors or tags. When that
        -- finds a whole page it is the page: every post above its last row was in the window. A
        -- reader following active people finds it within a few hundred rows, where reading each
        -- followed author's range costs one index descent per author (docs/community_posts.md).
        -- The window is read once: its page's ids become the page below.
        v_followed := array(
            select f.followed_id from public.follows as f where f.follower_id = v_uid order by 1
        );
        v_tags := array(select tf.tag from public.tag_follows as tf where tf.user_id = v_uid order by 1);
        execute 'select array('
            || '  select w.id from ('
            || '    select k.id, k.created_at, k.author_id, k.tags from public.posts as k '
            || '    where k.deleted_at is null and (k.created_at, k.id) < ($2::timestamptz, $3) '
            || '    order by k.created_at desc, k.id desc limit 50 * $4) as w '
            || '  where (w.author_id = any ($5) or w.tags && $6) and not w.author_id = any ($7) '
            || '    and ($1::text is null or w.tags @> array[$1::text]) '
            || '  order by w.created_at desc, w.id desc limit $4)'
        into v_window_ids
        using v_tag, v_after_key, v_after_id, p_page_size, v_followed, v_tags, v_blocked;
        v_page := 'select p.id as key_id, null::text as key_text, p.created_at as key_value '
            || 'from public.posts as p where p.id = any ($10)';
    end if;
    if p_sort = 'following' and cardinality(v_window_ids) < p_page_size then
        -- The window held less than a page (followed people who post rarely): per followed author
        -- and per followed tag one range of its index (posts_author_created_idx, post_tags_new_idx)
        -- of at most a page, merged. Blocks are those read above: a follow never crosses one (a
        -- block ends it), a tag's post may.
        -- Each post comes from one range only (a tag range skips posts of followed authors and
        -- posts it shares with an earlier followed tag), so the ranges are simply appended.
        v_page := 'select x.key_id, null::text as key_text, x.key_value from ('
            || '  select ap.id as key_id, ap.created_at as key_value '
            || '  from public.follows as f cross join lateral ('
            || '    select p.id, p.created_at from public.posts as p '
            || '    where p.author_id = f.followed_id and p.deleted_at is null '
            || '      and ($5::text is null or p.tags @> array[$5::text]) '
            || '      and (p.created_at, p.id) < ($2::timestamptz, $3) '
            || '    order by p.created_at desc, p.id desc limit $4) as ap '
            || '  where f.follower_id = $6 and not f.followed_id = any ($9) '
            || '  union all '
            || '  select tp.post_id, tp.created_at '
            || '  from public.tag_follows as tf cross join lateral ('
            || '    select t.post_id, t.created_at from private.post_tags as t '
            || '    join public.posts as p0 on p0.id = t.post_id '
            || '    where t.tag = tf.tag and p0.deleted_at is null '
            || '      and ($5::text is null or p0.tags @> array[$5::text]) '
            || '      and (t.created_at, t.post_id) < ($2::timestamptz, $3) '
            || '      and not exists ('
            || '        select 1 from public.follows as f2 where f2.follower_id = $6 and f2.followed_id = p0.author_id) '
            || '      and not exists ('
            || '        select 1 from public.tag_follows as tf2 '
            || '        where tf2.user_id = $6 and tf2.tag = any (p0.tags) and tf2.tag < tf.tag) '
            || '      and not p0.author_id = any ($9) '
            || '    order by t.created_at desc, t.post_id desc limit $4) as tp '
            || '  where tf.user_id = $6'
            || ') as x order by x.key_value desc, x.key_id desc limit $4';
    end if;
    return query execute pg_catalog.format(
        'select p.id, p.author_id, '
        '    jsonb_build_object(''id'', a.id, ''username'', a.username, ''full_name'', a.full_name, '
        '        ''avatar_url'', a.avatar_url, ''is_verified'', a.is_verified), '
        '    p.body, p.url, p.kind, p.tags, p.upvotes, p.downvotes, p.score, p.comments_count, p.created_at, '
        '    p.updated_at, v.value, '
        '    private.feed_cursor_encode(jsonb_build_object(''sort'', $7::text, ''tag'', $5, ''window'', $8::text, '
        '        ''since'', coalesce(to_char($1 at time zone ''UTC'', ''YYYY-MM-DD"T"HH24:MI:SS.US"Z"''), '
        '            ''-infinity''), '
        '        ''key'', case when $7 in (''new'', ''following'') then '
        '            to_char(p.created_at at time zone ''UTC'', ''YYYY-MM-DD"T"HH24:MI:SS.US"Z"'') '
        '            else page.key_text end, '
        '        ''id'', p.id)) '
        'from (%s) as page '
        'join public.posts as p on p.id = page.key_id '
        'left join public.profiles as a on a.id = p.author_id '
        'left join public.post_votes as v on v.post_id = p.id and v.user_id = $6 '
        'order by page.key_value desc, page.key_id desc',
        v_page
    )
    using v_since, v_after_key, v_after_id, p_page_size, v_tag, v_uid, p_sort, v_window, v_blocked, v_window_ids;
end
$$;
revoke execute on function private.feed(text, text, text, integer, text) from public, anon, authenticated;
grant execute on function private.feed(text, text, text, integer, text) to anon, authenticated, service_role;

-- rule: FEED-SORTS, FEED-PAGE, FEED-FOLLOWING
create or replace function public.feed(
    sort text default 'hot',
    tag text default null,
    cursor text default null,
    page_size integer default 20,
    "window" text default 'week'
)
returns table (
    id uuid,
    author_id uuid,
    author jsonb,
    body text,
    url text,
    kind text,
    tags text [],
    upvotes integer,
    downvotes integer,
    score integer,
    comments_count integer,
    created_at timestamptz,
    updated_at timestamptz,
    my_vote smallint,
    next_cursor text
)
language sql
stable
security invoker
set search_path = ''
as $$
    select * from private.feed(feed.sort, feed.tag, feed.cursor, feed.page_size, feed."window")
$$;
revoke execute on function public.feed(text, text, text, integer, text) from public, anon, authenticated;
grant execute on function public.feed(text, text, text, integer, text) to anon, authenticated, service_role;
comment on function public.feed(text, text, text, integer, text) is
'A page of live posts. sort: new (newest first), top (highest score first among posts created within window: day, '
'week, month or all, counted from the first page''s request), hot (highest hot_rank first). tag: only posts with '
'this tag (case-insensitive). following (signed in only, 42501 for anon): newest first among posts by users the '
'caller follows or carrying a tag the caller follows. Keyset-paginated: pass the last row''s next_cursor as cursor with the same sort, tag '
'and window; page_size 1-50. Signed-in callers get their own vote (my_vote) and no posts of users they blocked or '
'who blocked them. 22023 for an unknown sort or window, a page_size out of range or a cursor of another feed.';
