/**
 * Marketplace files: who reads applicants' resumes, and what a deleted user leaves behind.
 * Idempotent; re-applied when changed.
 */

/** Section - Storage */
-- Ids (as text, like storage folder names) of everyone who applied to one of the caller's gigs:
-- the resumes policy evaluates it once per statement.
-- rule: STORE-RESUMES-READ
create or replace function private.my_applicant_ids()
returns text []
language sql
stable
security definer
-- Reads applications to the caller's gigs without re-entering their row-level policies.
set search_path = ''
as $$
    select coalesce(array_agg(distinct a.applicant_id::text), '{}')
    from public.applications as a
    join public.gigs as g on g.id = a.gig_id
    where g.poster_id = (select auth.uid())
$$;
revoke execute on function private.my_applicant_ids() from public, anon, authenticated;
grant execute on function private.my_applicant_ids() to authenticated, service_role;

-- A deleted user leaves nothing behind that the foreign keys cannot reach: their files in the
-- marketplace buckets and their rate-limit events (keyed by user id, no foreign key). Never blocks
-- the deletion: a Storage that forbids direct deletes leaves the file rows for the Storage API
-- (see docs/marketplace.md).
-- rule: ID-USER-DELETE, STORE-DELETED-USER
create or replace function private.marketplace_forget_user()
returns trigger
language plpgsql
security definer
-- Deletes storage.objects rows (owned by Supabase Storage) and private rate-limit events.
set search_path = ''
as $$
begin
    delete from private.rate_limit_events as e where e.subject = old.id;
    begin
        delete from storage.objects as o
        where o.bucket_id in ('avatars', 'portfolio', 'resumes')
            and (storage.foldername(o.name))[1] = old.id::text;
    exception when others then
        raise warning 'files of deleted user % were not removed: % (SQLSTATE %)', old.id, sqlerrm, sqlstate;
    end;
    return null;
end
$$;
revoke execute on function private.marketplace_forget_user() from public, anon, authenticated;

-- profiles belongs to the identity base: the trigger's name says whose it is.
drop trigger if exists after_delete on public.profiles;  -- its first name, before the rename
drop function if exists private.profiles_after_delete();
drop trigger if exists marketplace_forget_user on public.profiles;
-- rule: ID-USER-DELETE
create trigger marketplace_forget_user after delete on public.profiles
for each row execute function private.marketplace_forget_user();
