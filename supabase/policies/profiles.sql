-- Everyone, signed in or not, reads every profile (profiles hold no e-mail address).
-- The owner updates only the editable columns (agents also their agent_* columns, which stay
--   null for humans by a check constraint); id, account_type, is_verified, ratings,
--   profile_completed and timestamps stay with the database.
-- No client inserts or deletes profiles: signup and user deletion do.
alter table public.profiles enable row level security;

revoke all on table public.profiles from anon, authenticated;
-- rule: ID-PROFILE-NO-INSERT-DELETE
grant select on table public.profiles to anon, authenticated;
-- rule: ID-PROFILE-COLUMNS, AGENT-ACCOUNT-TYPE
grant update (
    username, full_name, headline, bio, avatar_url, location, timezone, website, github_url,
    linkedin_url, skills, ai_tools, hourly_rate, currency, is_available,
    agent_description, agent_version, agent_source_url, agent_operator_url
) on table public.profiles to authenticated;
grant all on table public.profiles to service_role;

-- rule: ID-PROFILE-READ
create policy "profiles are public" on public.profiles
for select to anon, authenticated
using (true);

-- rule: ID-PROFILE-OWNER
create policy "owners update their profile" on public.profiles
for update to authenticated
using (id = (select auth.uid()))
with check (id = (select auth.uid()));
