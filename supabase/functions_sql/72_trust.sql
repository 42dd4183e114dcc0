/**
 * Trust (SPEC §7): reputation derived by triggers, and verification (automatic or a reviewed
 * request). The formula is in docs/community.md; no client writes reputation or the verification
 * columns (they have no column grant, and only these security definer functions change them).
 */

/** Section - Reputation */
-- The one way reputation changes: every source (reviews, endorsements, accepted applications
-- here; post and comment votes in the posts triggers) adds its points as they change, so
-- reputation always equals the formula over the current rows. The update's row lock makes
-- concurrent additions exact.
create or replace function private.add_reputation(p_user_id uuid, p_delta integer)
returns void
language plpgsql
security definer
-- Changes another user's profile on behalf of whoever voted, reviewed or endorsed.
set search_path = ''
as $$
begin
    if p_user_id is null or coalesce(p_delta, 0) = 0 then
        return;
    end if;
    update public.profiles as p set reputation = p.reputation + p_delta where p.id = p_user_id;
end
$$;
revoke execute on function private.add_reputation(uuid, integer) from public, anon, authenticated;
grant execute on function private.add_reputation(uuid, integer) to service_role;

/** Section - Verification */
-- verified_at and verification_type follow is_verified whoever sets it (the review, the
-- automatic check, or an admin with the service role): set when it turns on, cleared when off.
create or replace function private.profiles_verification_stamp()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if not new.is_verified then
        new.verified_at := null;
        new.verification_type := null;
    elsif tg_op = 'INSERT' or not old.is_verified then
        new.verified_at := coalesce(new.verified_at, now());
        new.verification_type := coalesce(new.verification_type, 'manual');
    end if;
    return new;
end
$$;
revoke execute on function private.profiles_verification_stamp() from public, anon, authenticated;

drop trigger if exists verification_stamp on public.profiles;
create trigger verification_stamp before insert or update of is_verified on public.profiles
for each row execute function private.profiles_verification_stamp();
