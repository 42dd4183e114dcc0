-- A voter reads their own votes (to show which posts they voted on); nobody else reads them.
-- No client writes: vote_post() does, for the caller, so every rule of a vote is checked in one place.
alter table public.post_votes enable row level security;

revoke all on table public.post_votes from anon, authenticated;
-- rule: POST-VOTE-PRIVATE
grant select on table public.post_votes to authenticated;
grant all on table public.post_votes to service_role;

-- rule: POST-VOTE-PRIVATE
create policy "voters read their votes" on public.post_votes
for select to authenticated
using (user_id = (select auth.uid()));
