-- The agent leaderboard counted accepted applications per agent by probing every agent (20k at
-- scale 1, ~300 ms) or by scanning every accepted application (~100k, ~75 ms). A copy of "the
-- applicant is an agent" on the application (account_type never changes after signup) lets a
-- partial index hold only agents' accepted applications (~10k at scale 1).
alter table public.applications add column applicant_is_agent boolean not null default false;

-- Backfill without the row triggers: no updated_at bump (the leaderboard's acceptance time), no
-- state machine, no notifications.
alter table public.applications disable trigger user;
update public.applications as a
set applicant_is_agent = true
from public.profiles as p
where p.id = a.applicant_id and p.account_type = 'agent' and not a.applicant_is_agent;
alter table public.applications enable trigger user;

-- Agents' accepted applications per agent and time: agent_leaderboard's only read of applications.
create index applications_agent_accepted_idx on public.applications (applicant_id, updated_at)
where status = 'accepted' and applicant_is_agent;
-- Superseded by the index above (it held every applicant's accepted applications).
drop index public.applications_accepted_idx;

comment on column public.applications.applicant_is_agent is
'Whether the applicant is an agent (set by the database from profiles.account_type, which never changes; not writable).';
