/**
 * Community posts (SPEC §7): input hygiene and soft deletes of posts and comments, votes through
 * vote_post() and vote_comment() only, and the counters, scores and hot_rank kept by triggers so
 * they are right whoever writes. Choices: docs/community_posts.md.
 */

/** Section - Posts */
-- The hot order: votes count logarithmically, every 45000 s (12.5 h) of age weighs as much as a
-- factor of ten in score. It depends on score and created_at only, so it moves only when votes
-- do and a cursor over (hot_rank, id) pages without repeats or gaps (docs/community_posts.md).
-- rule: POST-HOT-RANK
create or replace function private.hot_rank(p_score integer, p_created_at timestamptz)
returns numeric
language sql
immutable
set search_path = ''
as $$
    select round(
        sign(p_score)::numeric * log(greatest(abs(p_score), 1)::numeric)
        + (extract(epoch from p_created_at) - 1704067200) / 45000,
        7
    )
$$;
revoke execute on function private.hot_rank(integer, timestamptz) from public, anon, authenticated;
-- Called by the posts trigger, which runs with the rights of the author editing the post.
grant execute on function private.hot_rank(integer, timestamptz) to authenticated, service_role;

-- Tags are lower-cased, trimmed, de-duplicated (first occurrence kept), empty ones dropped,
-- each 1-50 characters (22023), at most 10 (posts_tags_count, 23514).
-- rule: POST-INPUT
create or replace function private.clean_post_tags(p_tags text [])
returns text []
language sql
immutable
set search_path = ''
as $$
    select coalesce(
        private.clean_tags(array(select lower(t) from unnest(p_tags) with ordinality as u (t, n) order by n), 'tags'),
        '{}'
    )
$$;
revoke execute on function private.clean_post_tags(text []) from public, anon, authenticated;
grant execute on function private.clean_post_tags(text []) to authenticated, service_role;

-- Input hygiene, soft delete and hot_rank for posts. Columns outside the client's column grants
-- (author, counters, rank, times) are refused by privilege before this runs.
-- rule: POST-INPUT, POST-SOFT-DELETE, POST-HOT-RANK
create or replace function private.posts_before_write()
returns trigger
language plpgsql
set search_path = ''
as $$
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
$$;
revoke execute on function private.posts_before_write() from public, anon, authenticated;

drop trigger if exists before_write on public.posts;
-- rule: POST-INPUT, POST-SOFT-DELETE, POST-HOT-RANK
create trigger before_write before insert or update on public.posts
for each row execute function private.posts_before_write();

drop trigger if exists set_updated_at on public.posts;
create trigger set_updated_at before update of body, url, kind, tags, deleted_at on public.posts
for each row execute function private.set_updated_at();

-- Keeps private.post_tags (one row per live post and tag, with its sort keys) equal to posts.
-- rule: FEED-TAG
create or replace function private.posts_sync_tags()
returns trigger
language plpgsql
security definer
-- Writes private.post_tags, which no client role can touch.
set search_path = ''
as $$
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
$$;
revoke execute on function private.posts_sync_tags() from public, anon, authenticated;

drop trigger if exists sync_tags on public.posts;
-- rule: FEED-TAG
create trigger sync_tags after insert or update on public.posts
for each row execute function private.posts_sync_tags();

/** Section - Votes */
-- One place that decides whether the caller may vote on something by p_author.
create or replace function private.check_vote(p_author uuid, p_what text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
    if p_author = auth.uid() then
        raise exception using errcode = '42501', message = pg_catalog.format('you cannot vote on your own %s', p_what);
    end if;
    if p_author is not null and private.is_blocked(auth.uid(), p_author) then
        raise exception using errcode = '42501', message = pg_catalog.format('you cannot vote on this %s', p_what);
    end if;
end
$$;
revoke execute on function private.check_vote(uuid, text) from public, anon, authenticated;

-- rule: POST-VOTE, POST-VOTE-ONCE
create or replace function private.vote_post(p_post_id uuid, p_value integer)
returns jsonb
language plpgsql
security definer
-- post_votes has no client write grant: only this function writes it, for the caller.
set search_path = ''
as $$
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
$$;
revoke execute on function private.vote_post(uuid, integer) from public, anon, authenticated;
grant execute on function private.vote_post(uuid, integer) to anon, authenticated;

-- rule: POST-VOTE
create or replace function public.vote_post(post_id uuid, value integer)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
    select private.vote_post(vote_post.post_id, vote_post.value)
$$;
revoke execute on function public.vote_post(uuid, integer) from public, anon, authenticated;
grant execute on function public.vote_post(uuid, integer) to anon, authenticated;
comment on function public.vote_post(uuid, integer) is
'The caller''s vote on a post: 1 (up), -1 (down) or 0 (removes it); voting the same again changes nothing. Returns '
'{post_id, upvotes, downvotes, score, vote}. 42501: not signed in, your own post, or a block between you and the '
'author; PT404: no such post or deleted; 22023: any other value.';

-- Counters and score of the post voted on, by the change of one vote, whoever wrote it (the RPC,
-- the service, a foreign-key cascade). The post row's lock serialises concurrent votes, so the
-- counts are exact. The post's author gains or loses the vote's difference in reputation.
-- rule: POST-COUNTERS, POST-REPUTATION
create or replace function private.post_votes_after_change()
returns trigger
language plpgsql
security definer
-- Updates counters on posts and the author's reputation, which clients cannot write.
set search_path = ''
as $$
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
$$;
revoke execute on function private.post_votes_after_change() from public, anon, authenticated;

drop trigger if exists after_change on public.post_votes;
-- rule: POST-COUNTERS
create trigger after_change after insert or update or delete on public.post_votes
for each row execute function private.post_votes_after_change();

drop trigger if exists set_updated_at on public.post_votes;
create trigger set_updated_at before update on public.post_votes
for each row execute function private.set_updated_at();

/** Section - Comments */
-- A new comment: on a live post, as the caller, replying only to a live comment of the same post,
-- at most depth 4 (computed here), and not across a block with the post's or the parent's author.
-- rule: COMMENT-WRITE, COMMENT-THREAD, COMMENT-BLOCK, COMMENT-INPUT
create or replace function private.post_comments_before_insert()
returns trigger
language plpgsql
security definer
-- Reads blocks (private to the blocker) and deleted posts, which the commenter cannot see.
set search_path = ''
as $$
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
$$;
revoke execute on function private.post_comments_before_insert() from public, anon, authenticated;

drop trigger if exists before_insert on public.post_comments;
-- rule: COMMENT-WRITE, COMMENT-THREAD, COMMENT-BLOCK
create trigger before_insert before insert on public.post_comments
for each row execute function private.post_comments_before_insert();

-- Edits and soft deletes by the author (the update policy); the thread's structure never changes.
-- A comment whose author's account is deleted becomes a deleted comment.
-- rule: COMMENT-SOFT-DELETE, COMMENT-INPUT
create or replace function private.post_comments_before_update()
returns trigger
language plpgsql
set search_path = ''
as $$
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
$$;
revoke execute on function private.post_comments_before_update() from public, anon, authenticated;

drop trigger if exists before_update on public.post_comments;
-- rule: COMMENT-SOFT-DELETE
create trigger before_update before update on public.post_comments
for each row execute function private.post_comments_before_update();

drop trigger if exists set_updated_at on public.post_comments;
create trigger set_updated_at before update of body, deleted_at on public.post_comments
for each row execute function private.set_updated_at();

-- posts.comments_count: comments not deleted, whoever writes.
-- rule: COMMENT-COUNT
create or replace function private.post_comments_after_change()
returns trigger
language plpgsql
security definer
-- Updates counters on posts, which clients cannot write.
set search_path = ''
as $$
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
$$;
revoke execute on function private.post_comments_after_change() from public, anon, authenticated;

drop trigger if exists after_change on public.post_comments;
-- rule: COMMENT-COUNT
create trigger after_change after insert or update or delete on public.post_comments
for each row execute function private.post_comments_after_change();

-- rule: COMMENT-VOTE
create or replace function private.vote_comment(p_comment_id uuid, p_value integer)
returns jsonb
language plpgsql
security definer
-- comment_votes has no client write grant: only this function writes it, for the caller.
set search_path = ''
as $$
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
$$;
revoke execute on function private.vote_comment(uuid, integer) from public, anon, authenticated;
grant execute on function private.vote_comment(uuid, integer) to anon, authenticated;

-- rule: COMMENT-VOTE
create or replace function public.vote_comment(comment_id uuid, value integer)
returns jsonb
language sql
security invoker
set search_path = ''
as $$
    select private.vote_comment(vote_comment.comment_id, vote_comment.value)
$$;
revoke execute on function public.vote_comment(uuid, integer) from public, anon, authenticated;
grant execute on function public.vote_comment(uuid, integer) to anon, authenticated;
comment on function public.vote_comment(uuid, integer) is
'The caller''s vote on a comment: 1, -1 or 0 (removes it). Returns {comment_id, upvotes, downvotes, score, vote}. '
'42501: not signed in, your own comment, or a block between you and its author; PT404: no such comment or its post '
'is deleted; PT409: the comment is deleted; 22023: any other value.';

-- rule: COMMENT-VOTE, POST-REPUTATION
create or replace function private.comment_votes_after_change()
returns trigger
language plpgsql
security definer
-- Updates counters on post_comments and the author's reputation, which clients cannot write.
set search_path = ''
as $$
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
$$;
revoke execute on function private.comment_votes_after_change() from public, anon, authenticated;

drop trigger if exists after_change on public.comment_votes;
-- rule: COMMENT-VOTE
create trigger after_change after insert or update or delete on public.comment_votes
for each row execute function private.comment_votes_after_change();

drop trigger if exists set_updated_at on public.comment_votes;
create trigger set_updated_at before update on public.comment_votes
for each row execute function private.set_updated_at();
