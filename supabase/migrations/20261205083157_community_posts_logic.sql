-- posts, votes, comments and the feed (issue 18 part B)
--
-- Captured by `ugig-db migration new` from supabase/functions_sql/ and supabase/policies/:
-- every change of those files that no earlier migration carried. Generated, not edited: change
-- the files and capture again. Safe to re-run where the objects already exist.

create or replace function private.hot_rank(p_score integer, p_created_at timestamp with time zone)
 returns numeric
 language sql
 immutable
 set search_path to ''
as $function$
    select round(
        sign(p_score)::numeric * log(greatest(abs(p_score), 1)::numeric)
        + (extract(epoch from p_created_at) - 1704067200) / 45000,
        7
    )
$function$;

create or replace function private.clean_post_tags(p_tags text[])
 returns text[]
 language sql
 immutable
 set search_path to ''
as $function$
    select coalesce(
        private.clean_tags(array(select lower(t) from unnest(p_tags) with ordinality as u (t, n) order by n), 'tags'),
        '{}'
    )
$function$;

create or replace function private.posts_before_write()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
begin
    if tg_op = 'INSERT' then
        new.deleted_at := null;
    elsif old.deleted_at is not null and (
        new.body is distinct from old.body or new.url is distinct from old.url
        or new.kind is distinct from old.kind or new.tags is distinct from old.tags
        or new.deleted_at is distinct from old.deleted_at
    ) then
        raise exception using errcode = 'PT409', message = 'a deleted post cannot change';
    elsif new.deleted_at is not null and old.deleted_at is null then
        new.deleted_at := now();
    end if;
    if tg_op = 'INSERT' or new.body is distinct from old.body then
        new.body := btrim(new.body);
    end if;
    if tg_op = 'INSERT' or new.url is distinct from old.url then
        new.url := nullif(btrim(new.url), '');
    end if;
    if tg_op = 'INSERT' or new.tags is distinct from old.tags then
        new.tags := private.clean_post_tags(new.tags);
    end if;
    if tg_op = 'INSERT' or new.score is distinct from old.score or new.created_at is distinct from old.created_at then
        new.hot_rank := private.hot_rank(new.score, new.created_at);
    end if;
    return new;
end
$function$;

create or replace function private.posts_sync_tags()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
begin
    if tg_op = 'UPDATE'
        and new.tags is not distinct from old.tags
        and new.deleted_at is not distinct from old.deleted_at
        and new.created_at is not distinct from old.created_at then
        if new.score is distinct from old.score or new.hot_rank is distinct from old.hot_rank then
            update private.post_tags as t
            set score = new.score, hot_rank = new.hot_rank
            where t.post_id = new.id;
        end if;
        return null;
    end if;
    if tg_op = 'UPDATE' then
        delete from private.post_tags as t where t.post_id = new.id;
    end if;
    if new.deleted_at is null then
        insert into private.post_tags (tag, post_id, created_at, score, hot_rank)
        select distinct u.tag, new.id, new.created_at, new.score, new.hot_rank
        from unnest(new.tags) as u (tag);
    end if;
    return null;
end
$function$;

create or replace function private.check_vote(p_author uuid, p_what text)
 returns void
 language plpgsql
 stable
 set search_path to ''
as $function$
begin
    if p_author = auth.uid() then
        raise exception using errcode = '42501', message = pg_catalog.format('you cannot vote on your own %s', p_what);
    end if;
    if p_author is not null and private.is_blocked(auth.uid(), p_author) then
        raise exception using errcode = '42501', message = pg_catalog.format('you cannot vote on this %s', p_what);
    end if;
end
$function$;

create or replace function private.vote_post(p_post_id uuid, p_value integer)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_uid uuid := auth.uid();
    v_post public.posts;
begin
    if v_uid is null then
        raise exception using errcode = '42501', message = 'sign in to vote';
    end if;
    if p_value is null or p_value not in (-1, 0, 1) then
        raise exception using errcode = '22023', message = 'a vote is 1, -1 or 0 (removes your vote)';
    end if;
    select * into v_post from public.posts as p where p.id = p_post_id;
    if v_post.id is null or v_post.deleted_at is not null then
        raise exception using errcode = 'PT404', message = 'no such post';
    end if;
    perform private.check_vote(v_post.author_id, 'post');
    if p_value = 0 then
        delete from public.post_votes as v where v.post_id = p_post_id and v.user_id = v_uid;
    else
        insert into public.post_votes as v (post_id, user_id, value)
        values (p_post_id, v_uid, p_value)
        on conflict (post_id, user_id) do update
        set value = excluded.value, updated_at = now()
        where v.value <> excluded.value;
    end if;
    return (
        select jsonb_build_object(
            'post_id', p.id, 'upvotes', p.upvotes, 'downvotes', p.downvotes, 'score', p.score,
            'vote', nullif(p_value, 0)
        )
        from public.posts as p
        where p.id = p_post_id
    );
end
$function$;

create or replace function public.vote_post(post_id uuid, value integer)
 returns jsonb
 language sql
 set search_path to ''
as $function$
    select private.vote_post(vote_post.post_id, vote_post.value)
$function$;

create or replace function private.post_votes_after_change()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_old integer := case when tg_op in ('UPDATE', 'DELETE') then old.value else 0 end;
    v_new integer := case when tg_op in ('INSERT', 'UPDATE') then new.value else 0 end;
    v_up integer := (v_new = 1)::integer - (v_old = 1)::integer;
    v_down integer := (v_new = -1)::integer - (v_old = -1)::integer;
    v_author uuid;
begin
    if v_up = 0 and v_down = 0 then
        return null;
    end if;
    update public.posts as p
    set upvotes = p.upvotes + v_up, downvotes = p.downvotes + v_down, score = p.score + v_up - v_down
    where p.id = coalesce(new.post_id, old.post_id)
    returning p.author_id into v_author;
    -- Votes received count towards the author's reputation (docs/community.md).
    perform private.add_reputation(
        v_author, private.reputation_points('vote', v_new) - private.reputation_points('vote', v_old)
    );
    return null;
end
$function$;

create or replace function private.post_comments_before_insert()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_post_author uuid;
    v_post_deleted timestamptz;
    v_parent public.post_comments;
begin
    if new.author_id is null then
        raise exception using errcode = '42501', message = 'sign in to comment';
    end if;
    select p.author_id, p.deleted_at into v_post_author, v_post_deleted
    from public.posts as p
    where p.id = new.post_id;
    if v_post_author is null or v_post_deleted is not null then
        raise exception using errcode = 'PT404', message = 'no such post';
    end if;
    if private.is_blocked(new.author_id, v_post_author) then
        raise exception using errcode = '42501', message = 'you cannot comment on this post';
    end if;
    new.depth := 0;
    if new.parent_id is not null then
        select * into v_parent from public.post_comments as c where c.id = new.parent_id;
        if v_parent.id is null then
            raise exception using errcode = 'PT404', message = 'no such comment to reply to';
        end if;
        if v_parent.post_id <> new.post_id then
            raise exception using errcode = '22023', message = 'a reply''s parent must be a comment of the same post';
        end if;
        if v_parent.deleted_at is not null then
            raise exception using errcode = 'PT409', message = 'a deleted comment takes no replies';
        end if;
        if v_parent.depth >= 4 then
            raise exception using errcode = '22023', message = 'replies nest at most 4 levels deep';
        end if;
        if v_parent.author_id is not null and private.is_blocked(new.author_id, v_parent.author_id) then
            raise exception using errcode = '42501', message = 'you cannot reply to this comment';
        end if;
        new.depth := v_parent.depth + 1;
    end if;
    new.body := btrim(new.body);
    new.deleted_at := null;
    return new;
end
$function$;

create or replace function private.post_comments_before_update()
 returns trigger
 language plpgsql
 set search_path to ''
as $function$
begin
    if new.post_id is distinct from old.post_id or new.parent_id is distinct from old.parent_id
        or new.depth is distinct from old.depth or new.created_at is distinct from old.created_at
        or (new.author_id is distinct from old.author_id and new.author_id is not null) then
        raise exception using
            errcode = '42501', message = 'a comment''s post, parent, depth, author and time cannot change';
    end if;
    if new.author_id is null and old.author_id is not null then
        new.deleted_at := coalesce(old.deleted_at, now());
        new.body := '';
        return new;
    end if;
    if old.deleted_at is not null then
        if new.body is distinct from old.body or new.deleted_at is distinct from old.deleted_at then
            raise exception using errcode = 'PT409', message = 'a deleted comment cannot change';
        end if;
        return new;
    end if;
    if new.deleted_at is not null then
        new.deleted_at := now();
        new.body := '';
        return new;
    end if;
    new.body := btrim(new.body);
    return new;
end
$function$;

create or replace function private.post_comments_after_change()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_delta integer := 0;
begin
    if tg_op = 'INSERT' then
        v_delta := (new.deleted_at is null)::integer;
    elsif tg_op = 'DELETE' then
        v_delta := -(old.deleted_at is null)::integer;
    else
        v_delta := (new.deleted_at is null)::integer - (old.deleted_at is null)::integer;
    end if;
    if v_delta <> 0 then
        update public.posts as p
        set comments_count = p.comments_count + v_delta
        where p.id = coalesce(new.post_id, old.post_id);
    end if;
    return null;
end
$function$;

create or replace function private.vote_comment(p_comment_id uuid, p_value integer)
 returns jsonb
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_uid uuid := auth.uid();
    v_comment public.post_comments;
begin
    if v_uid is null then
        raise exception using errcode = '42501', message = 'sign in to vote';
    end if;
    if p_value is null or p_value not in (-1, 0, 1) then
        raise exception using errcode = '22023', message = 'a vote is 1, -1 or 0 (removes your vote)';
    end if;
    select c.* into v_comment
    from public.post_comments as c
    join public.posts as p on p.id = c.post_id
    where c.id = p_comment_id and p.deleted_at is null;
    if v_comment.id is null then
        raise exception using errcode = 'PT404', message = 'no such comment';
    end if;
    if v_comment.deleted_at is not null then
        raise exception using errcode = 'PT409', message = 'a deleted comment takes no votes';
    end if;
    perform private.check_vote(v_comment.author_id, 'comment');
    if p_value = 0 then
        delete from public.comment_votes as v where v.comment_id = p_comment_id and v.user_id = v_uid;
    else
        insert into public.comment_votes as v (comment_id, user_id, value)
        values (p_comment_id, v_uid, p_value)
        on conflict (comment_id, user_id) do update
        set value = excluded.value, updated_at = now()
        where v.value <> excluded.value;
    end if;
    return (
        select jsonb_build_object(
            'comment_id', c.id, 'upvotes', c.upvotes, 'downvotes', c.downvotes, 'score', c.score,
            'vote', nullif(p_value, 0)
        )
        from public.post_comments as c
        where c.id = p_comment_id
    );
end
$function$;

create or replace function public.vote_comment(comment_id uuid, value integer)
 returns jsonb
 language sql
 set search_path to ''
as $function$
    select private.vote_comment(vote_comment.comment_id, vote_comment.value)
$function$;

create or replace function private.comment_votes_after_change()
 returns trigger
 language plpgsql
 security definer
 set search_path to ''
as $function$
declare
    v_old integer := case when tg_op in ('UPDATE', 'DELETE') then old.value else 0 end;
    v_new integer := case when tg_op in ('INSERT', 'UPDATE') then new.value else 0 end;
    v_up integer := (v_new = 1)::integer - (v_old = 1)::integer;
    v_down integer := (v_new = -1)::integer - (v_old = -1)::integer;
    v_author uuid;
begin
    if v_up = 0 and v_down = 0 then
        return null;
    end if;
    update public.post_comments as c
    set upvotes = c.upvotes + v_up, downvotes = c.downvotes + v_down, score = c.score + v_up - v_down
    where c.id = coalesce(new.comment_id, old.comment_id)
    returning c.author_id into v_author;
    perform private.add_reputation(
        v_author, private.reputation_points('vote', v_new) - private.reputation_points('vote', v_old)
    );
    return null;
end
$function$;

create or replace function private.feed_cursor_encode(p_state jsonb)
 returns text
 language sql
 immutable
 set search_path to ''
as $function$
    select rtrim(translate(encode(convert_to(p_state::text, 'UTF8'), 'base64'), E'+/\n', '-_'), '=')
$function$;

create or replace function private.feed_cursor_decode(p_cursor text)
 returns jsonb
 language plpgsql
 immutable
 set search_path to ''
as $function$
declare
    v_b64 text := translate(p_cursor, '-_', '+/');
begin
    v_b64 := v_b64 || repeat('=', (4 - char_length(v_b64) % 4) % 4);
    return convert_from(decode(v_b64, 'base64'), 'UTF8')::jsonb;
exception when others then
    raise exception using errcode = '22023', message = 'invalid cursor';
end
$function$;

create or replace function private.feed(p_sort text, p_tag text, p_cursor text, p_page_size integer, p_window text)
 returns table(id uuid, author_id uuid, author jsonb, body text, url text, kind text, tags text[], upvotes integer, downvotes integer, score integer, comments_count integer, created_at timestamp with time zone, updated_at timestamp with time zone, my_vote smallint, next_cursor text)
 language plpgsql
 stable security definer
 set search_path to ''
as $function$
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
    -- The page: one range of the order's index (posts_*_idx, or post_tags_*_idx for a tag), in
    -- index order, skipping posts across a block with the caller. Built as text so each request is
    -- planned with its own values (a generic plan cannot know how far back a window reaches).
    v_source := case when v_tag is null then
        'public.posts as k where k.deleted_at is null'
    else
        'private.post_tags as k join public.posts as p0 on p0.id = k.post_id '
        || 'where k.tag = $5 and p0.deleted_at is null'
    end;
    v_page := pg_catalog.format(
        'select k.%1$s as key_id, k.%2$I::text as key_text, k.%2$I as key_value from %3$s '
        'and k.created_at >= $1 and (k.%2$I, k.%1$s) < ($2::%4$s, $3) '
        'and ($6::uuid is null or not exists ('
        '    select 1 from public.user_blocks as b '
        '    where (b.blocker_id = $6 and b.blocked_id = %5$s) or (b.blocker_id = %5$s and b.blocked_id = $6))) '
        'order by k.%2$I desc, k.%1$s desc limit $4',
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
        -- Newest first among the posts of followed authors and followed tags: per followed author
        -- and per followed tag one range of its index (posts_author_created_idx, post_tags_new_idx)
        -- of at most a page, merged. Follows never cross a block; tag posts are filtered per row.
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
            || '  where f.follower_id = $6 and not exists ('
            || '    select 1 from public.user_blocks as b '
            || '    where (b.blocker_id = $6 and b.blocked_id = f.followed_id) '
            || '      or (b.blocker_id = f.followed_id and b.blocked_id = $6)) '
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
            || '      and not exists ('
            || '        select 1 from public.user_blocks as b '
            || '        where (b.blocker_id = $6 and b.blocked_id = p0.author_id) '
            || '          or (b.blocker_id = p0.author_id and b.blocked_id = $6)) '
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
    using v_since, v_after_key, v_after_id, p_page_size, v_tag, v_uid, p_sort, v_window;
end
$function$;

create or replace function public.feed(sort text default 'hot'::text, tag text default null::text, cursor text default null::text, page_size integer default 20, "window" text default 'week'::text)
 returns table(id uuid, author_id uuid, author jsonb, body text, url text, kind text, tags text[], upvotes integer, downvotes integer, score integer, comments_count integer, created_at timestamp with time zone, updated_at timestamp with time zone, my_vote smallint, next_cursor text)
 language sql
 stable
 set search_path to ''
as $function$
    select * from private.feed(feed.sort, feed.tag, feed.cursor, feed.page_size, feed."window")
$function$;

revoke all on function private.hot_rank(integer,timestamp with time zone) from anon, authenticated, public, service_role;

grant execute on function private.hot_rank(integer,timestamp with time zone) to authenticated;

grant execute on function private.hot_rank(integer,timestamp with time zone) to service_role;

revoke all on function private.clean_post_tags(text[]) from anon, authenticated, public, service_role;

grant execute on function private.clean_post_tags(text[]) to authenticated;

grant execute on function private.clean_post_tags(text[]) to service_role;

revoke all on function private.posts_before_write() from anon, authenticated, public;

revoke all on function private.posts_sync_tags() from anon, authenticated, public;

revoke all on function private.check_vote(uuid,text) from anon, authenticated, public;

revoke all on function private.vote_post(uuid,integer) from anon, authenticated, public;

grant execute on function private.vote_post(uuid,integer) to anon;

grant execute on function private.vote_post(uuid,integer) to authenticated;

revoke all on function public.vote_post(uuid,integer) from anon, authenticated, public, service_role;

grant execute on function public.vote_post(uuid,integer) to anon;

grant execute on function public.vote_post(uuid,integer) to authenticated;

grant execute on function public.vote_post(uuid,integer) to service_role;

comment on function public.vote_post(uuid,integer) is 'The caller''s vote on a post: 1 (up), -1 (down) or 0 (removes it); voting the same again changes nothing. Returns {post_id, upvotes, downvotes, score, vote}. 42501: not signed in, your own post, or a block between you and the author; PT404: no such post or deleted; 22023: any other value.';

revoke all on function private.post_votes_after_change() from anon, authenticated, public;

revoke all on function private.post_comments_before_insert() from anon, authenticated, public;

revoke all on function private.post_comments_before_update() from anon, authenticated, public;

revoke all on function private.post_comments_after_change() from anon, authenticated, public;

revoke all on function private.vote_comment(uuid,integer) from anon, authenticated, public;

grant execute on function private.vote_comment(uuid,integer) to anon;

grant execute on function private.vote_comment(uuid,integer) to authenticated;

revoke all on function public.vote_comment(uuid,integer) from anon, authenticated, public, service_role;

grant execute on function public.vote_comment(uuid,integer) to anon;

grant execute on function public.vote_comment(uuid,integer) to authenticated;

grant execute on function public.vote_comment(uuid,integer) to service_role;

comment on function public.vote_comment(uuid,integer) is 'The caller''s vote on a comment: 1, -1 or 0 (removes it). Returns {comment_id, upvotes, downvotes, score, vote}. 42501: not signed in, your own comment, or a block between you and its author; PT404: no such comment or its post is deleted; PT409: the comment is deleted; 22023: any other value.';

revoke all on function private.comment_votes_after_change() from anon, authenticated, public;

revoke all on function private.feed_cursor_encode(jsonb) from anon, authenticated, public;

revoke all on function private.feed_cursor_decode(text) from anon, authenticated, public;

revoke all on function private.feed(text,text,text,integer,text) from anon, authenticated, public, service_role;

grant execute on function private.feed(text,text,text,integer,text) to anon;

grant execute on function private.feed(text,text,text,integer,text) to authenticated;

grant execute on function private.feed(text,text,text,integer,text) to service_role;

revoke all on function public.feed(text,text,text,integer,text) from anon, authenticated, public, service_role;

grant execute on function public.feed(text,text,text,integer,text) to anon;

grant execute on function public.feed(text,text,text,integer,text) to authenticated;

grant execute on function public.feed(text,text,text,integer,text) to service_role;

comment on function public.feed(text,text,text,integer,text) is 'A page of live posts. sort: new (newest first), top (highest score first among posts created within window: day, week, month or all, counted from the first page''s request), hot (highest hot_rank first). tag: only posts with this tag (case-insensitive). following (signed in only, 42501 for anon): newest first among posts by users the caller follows or carrying a tag the caller follows. Keyset-paginated: pass the last row''s next_cursor as cursor with the same sort, tag and window; page_size 1-50. Signed-in callers get their own vote (my_vote) and no posts of users they blocked or who blocked them. 22023 for an unknown sort or window, a page_size out of range or a cursor of another feed.';

drop trigger if exists before_write on public.posts;

create trigger before_write before insert or update on public.posts for each row execute function private.posts_before_write();

drop trigger if exists set_updated_at on public.posts;

create trigger set_updated_at before update of body, url, kind, tags, deleted_at on public.posts for each row execute function private.set_updated_at();

drop trigger if exists sync_tags on public.posts;

create trigger sync_tags after insert or update on public.posts for each row execute function private.posts_sync_tags();

drop trigger if exists after_change on public.post_votes;

create trigger after_change after insert or delete or update on public.post_votes for each row execute function private.post_votes_after_change();

drop trigger if exists set_updated_at on public.post_votes;

create trigger set_updated_at before update on public.post_votes for each row execute function private.set_updated_at();

drop trigger if exists before_insert on public.post_comments;

create trigger before_insert before insert on public.post_comments for each row execute function private.post_comments_before_insert();

drop trigger if exists before_update on public.post_comments;

create trigger before_update before update on public.post_comments for each row execute function private.post_comments_before_update();

drop trigger if exists set_updated_at on public.post_comments;

create trigger set_updated_at before update of body, deleted_at on public.post_comments for each row execute function private.set_updated_at();

drop trigger if exists after_change on public.post_comments;

create trigger after_change after insert or delete or update on public.post_comments for each row execute function private.post_comments_after_change();

drop trigger if exists after_change on public.comment_votes;

create trigger after_change after insert or delete or update on public.comment_votes for each row execute function private.comment_votes_after_change();

drop trigger if exists set_updated_at on public.comment_votes;

create trigger set_updated_at before update on public.comment_votes for each row execute function private.set_updated_at();

revoke all on table public.comment_votes from authenticated, service_role;

grant select on table public.comment_votes to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.comment_votes to service_role;

revoke all on table public.post_comments from anon, authenticated, service_role;

grant select on table public.post_comments to anon;

grant select on table public.post_comments to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.post_comments to service_role;

grant insert (body, parent_id, post_id) on table public.post_comments to authenticated;

grant update (body, deleted_at) on table public.post_comments to authenticated;

revoke all on table public.post_votes from authenticated, service_role;

grant select on table public.post_votes to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.post_votes to service_role;

revoke all on table public.posts from anon, authenticated, service_role;

grant select on table public.posts to anon;

grant select on table public.posts to authenticated;

grant delete, insert, references, select, trigger, truncate, update on table public.posts to service_role;

grant insert (body, kind, tags, url) on table public.posts to authenticated;

grant update (body, deleted_at, kind, tags, url) on table public.posts to authenticated;

drop policy if exists "voters read their comment votes" on public.comment_votes;

create policy "voters read their comment votes" on public.comment_votes as permissive for select to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "comments are public" on public.post_comments;

create policy "comments are public" on public.post_comments as permissive for select to anon, authenticated using (true);

drop policy if exists "users comment as themselves" on public.post_comments;

create policy "users comment as themselves" on public.post_comments as permissive for insert to authenticated with check ((author_id = ( select auth.uid() as uid)));

drop policy if exists "authors edit their comments" on public.post_comments;

create policy "authors edit their comments" on public.post_comments as permissive for update to authenticated using ((author_id = ( select auth.uid() as uid))) with check ((author_id = ( select auth.uid() as uid)));

drop policy if exists "voters read their votes" on public.post_votes;

create policy "voters read their votes" on public.post_votes as permissive for select to authenticated using ((user_id = ( select auth.uid() as uid)));

drop policy if exists "live posts are public" on public.posts;

create policy "live posts are public" on public.posts as permissive for select to anon, authenticated using (((deleted_at is null) or (author_id = ( select auth.uid() as uid))));

drop policy if exists "users post as themselves" on public.posts;

create policy "users post as themselves" on public.posts as permissive for insert to authenticated with check ((author_id = ( select auth.uid() as uid)));

drop policy if exists "authors edit their posts" on public.posts;

create policy "authors edit their posts" on public.posts as permissive for update to authenticated using ((author_id = ( select auth.uid() as uid))) with check ((author_id = ( select auth.uid() as uid)));
