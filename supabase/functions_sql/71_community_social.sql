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
