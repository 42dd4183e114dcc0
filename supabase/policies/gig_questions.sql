-- Questions are read wherever their gig is (the gig's own policy decides, through the subquery).
-- Signed-in users write as themselves (author_id is the caller; the trigger decides whether they
--   may ask or reply). The author and the gig's poster update: the body (author, 15 minutes) and
--   deleted_at (soft delete). No client deletes a row: deleting is soft.
alter table public.gig_questions enable row level security;

revoke all on table public.gig_questions from anon, authenticated;
grant select on table public.gig_questions to anon, authenticated;
-- rule: QA-ASK
grant insert (gig_id, parent_id, body) on table public.gig_questions to authenticated;
-- rule: QA-SOFT-DELETE
grant update (body, deleted_at) on table public.gig_questions to authenticated;
grant all on table public.gig_questions to service_role;

-- rule: QA-READ
create policy "questions are read wherever their gig is" on public.gig_questions
for select to anon, authenticated
using (exists (select 1 from public.gigs as g where g.id = gig_id));

-- rule: QA-ASK
create policy "users ask as themselves" on public.gig_questions
for insert to authenticated
with check (author_id = (select auth.uid()));

-- rule: QA-SOFT-DELETE
create policy "authors and posters update questions" on public.gig_questions
for update to authenticated
using (author_id = (select auth.uid()) or poster_id = (select auth.uid()))
with check (author_id = (select auth.uid()) or poster_id = (select auth.uid()));
