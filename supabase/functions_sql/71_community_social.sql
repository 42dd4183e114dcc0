/**
 * Social graph (SPEC §7): follows between users and tag follows. Follows are public and written
 * by the follower only; counters on profiles and the new_follower notification come from
 * security definer triggers, so they hold whoever writes.
 */

/** Section - Tag follows */
-- Tags are stored as posts store them: trimmed and lower-case.
create or replace function private.tag_follows_normalize()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    new.tag := lower(btrim(new.tag));
    return new;
end
$$;
revoke execute on function private.tag_follows_normalize() from public, anon, authenticated;

drop trigger if exists normalize on public.tag_follows;
create trigger normalize before insert or update on public.tag_follows
for each row execute function private.tag_follows_normalize();

/** Section - Follows */
-- Who may follow whom, whoever writes: never yourself (42501, before the check constraint), only
-- an existing profile (PT404), never across a block in either direction (42501).
-- rule: FOLLOW-NOT-SELF, FOLLOW-BLOCK
create or replace function private.follows_guard()
returns trigger
language plpgsql
security definer
-- Reads blocks, which are private to the blocker but bind the blocked user too.
set search_path = ''
as $$
begin
    if new.follower_id = new.followed_id then
        raise exception using errcode = '42501', message = 'you cannot follow yourself';
    end if;
    if not exists (select 1 from public.profiles as p where p.id = new.followed_id) then
        raise exception using errcode = 'PT404', message = 'no such user';
    end if;
    if private.is_blocked(new.follower_id, new.followed_id) then
        raise exception using errcode = '42501', message = 'you cannot follow this user';
    end if;
    return new;
end
$$;
revoke execute on function private.follows_guard() from public, anon, authenticated;

drop trigger if exists guard on public.follows;
-- rule: FOLLOW-NOT-SELF, FOLLOW-BLOCK
create trigger guard before insert on public.follows
for each row execute function private.follows_guard();

-- Both profiles' counters move by one per follow or unfollow. The two rows are locked in id
-- order first, so two users following each other at once cannot deadlock; the row locks make
-- concurrent follows of one profile count exactly. `no key update` is the update's own lock: it
-- does not wait for the key-share locks other follows' foreign key checks hold on the rows.
-- rule: FOLLOW-COUNTS
create or replace function private.follows_count(p_follower uuid, p_followed uuid, p_delta integer)
returns void
language plpgsql
security definer
-- Writes counters on other users' profiles.
set search_path = ''
as $$
begin
    perform 1 from public.profiles as p where p.id in (p_follower, p_followed) order by p.id for no key update;
    update public.profiles as p set following_count = p.following_count + p_delta where p.id = p_follower;
    update public.profiles as p set followers_count = p.followers_count + p_delta where p.id = p_followed;
end
$$;
revoke execute on function private.follows_count(uuid, uuid, integer) from public, anon, authenticated;

-- rule: FOLLOW-COUNTS, NOTIF-FOLLOWER
create or replace function private.follows_after_change()
returns trigger
language plpgsql
security definer
-- Writes other users' counters and notifications (only the database writes either).
set search_path = ''
as $$
begin
    if tg_op = 'DELETE' then
        perform private.follows_count(old.follower_id, old.followed_id, -1);
        return null;
    end if;
    perform private.follows_count(new.follower_id, new.followed_id, 1);
    -- Following, unfollowing and following again notifies each time but e-mails once a day.
    perform private.notify(
        new.followed_id, 'new_follower',
        private.display_name(new.follower_id) || ' followed you',
        null,
        jsonb_build_object('follower_id', new.follower_id),
        'new_follower:' || new.follower_id || ':' || new.followed_id,
        interval '1 day'
    );
    return null;
end
$$;
revoke execute on function private.follows_after_change() from public, anon, authenticated;

drop trigger if exists after_change on public.follows;
-- rule: FOLLOW-COUNTS, NOTIF-FOLLOWER
create trigger after_change after insert or delete on public.follows
for each row execute function private.follows_after_change();

-- A block ends follows in both directions (they could not be made now).
-- rule: FOLLOW-BLOCK
create or replace function private.user_blocks_end_follows()
returns trigger
language plpgsql
security definer
-- Removes the blocked user's follow too, which is not the blocker's row.
set search_path = ''
as $$
begin
    delete from public.follows as f
    where (f.follower_id = new.blocker_id and f.followed_id = new.blocked_id)
        or (f.follower_id = new.blocked_id and f.followed_id = new.blocker_id);
    return null;
end
$$;
revoke execute on function private.user_blocks_end_follows() from public, anon, authenticated;

drop trigger if exists end_follows on public.user_blocks;
-- rule: FOLLOW-BLOCK
create trigger end_follows after insert on public.user_blocks
for each row execute function private.user_blocks_end_follows();
