-- Everyone reads reviews.
-- A signed-in user writes reviews as themselves, only between a gig's poster and an applicant
--   accepted on it (trigger); the reviewer edits rating and comment within 14 days (trigger).
-- No client deletes reviews; ratings on profiles are maintained by the database.
alter table public.reviews enable row level security;

revoke all on table public.reviews from anon, authenticated;
-- rule: REVIEW-NO-DELETE
grant select on table public.reviews to anon, authenticated;
grant insert (gig_id, reviewer_id, reviewee_id, rating, comment) on table public.reviews to authenticated;
-- rule: REVIEW-EDIT-WINDOW
grant update (rating, comment) on table public.reviews to authenticated;
grant all on table public.reviews to service_role;

-- rule: REVIEW-READ
create policy "reviews are public" on public.reviews
for select to anon, authenticated
using (true);

-- rule: REVIEW-PARTIES
create policy "users review as themselves" on public.reviews
for insert to authenticated
with check (reviewer_id = (select auth.uid()));

-- rule: REVIEW-EDIT-WINDOW
create policy "reviewers edit their reviews" on public.reviews
for update to authenticated
using (reviewer_id = (select auth.uid()))
with check (reviewer_id = (select auth.uid()));
