-- A voter reads their own votes on comments; nobody else reads them.
-- No client writes: vote_comment() does, for the caller.
alter table public.comment_votes enable row level security;

revoke all on table public.comment_votes from anon, authenticated;
-- rule: COMMENT-VOTE-PRIVATE
grant select on table public.comment_votes to authenticated;
grant all on table public.comment_votes to service_role;

-- rule: COMMENT-VOTE-PRIVATE
create policy "voters read their comment votes" on public.comment_votes
for select to authenticated
using (user_id = (select auth.uid()));
