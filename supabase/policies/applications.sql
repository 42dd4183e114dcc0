-- Only the applicant and the gig's poster (poster_id, copied from the gig) read an application.
-- A signed-in user applies as themselves (applicant_id = caller); the gig checks (active, not
--   your own, visible) and the 50 per 24 h rate limit are triggers.
-- The applicant and the poster update it; which columns and transitions each may change is
--   enforced by a trigger (applicant: proposal while pending, withdraw; poster: status).
-- gig_id, applicant_id, poster_id and timestamps are not client-writable. No client deletes applications.
alter table public.applications enable row level security;

revoke all on table public.applications from anon, authenticated;
-- rule: APP-NO-DELETE
grant select on table public.applications to authenticated;
grant insert (
    gig_id, applicant_id, cover_letter, proposed_rate, proposed_timeline, portfolio_urls, ai_tools
) on table public.applications to authenticated;
-- rule: APP-COLUMNS
grant update (
    cover_letter, proposed_rate, proposed_timeline, portfolio_urls, ai_tools, status
) on table public.applications to authenticated;
grant all on table public.applications to service_role;

-- One indexable predicate per reader: the planner serves a list through
-- applications_applicant_created_idx, applications_poster_created_idx or a BitmapOr of both, so
-- a read with no filter of its own costs the caller's own applications, never the table. The
-- planner cannot see (select auth.uid()) and takes the OR as very selective, so a page of all the
-- caller's applications, or of those received (poster_id=eq.<me>), is that BitmapOr and a sort;
-- clients page them with public.my_applications() instead (docs/queries.md says why no other
-- shape of this policy serves both).
-- rule: APP-VISIBILITY
create policy "applicants and posters read applications" on public.applications
for select to authenticated
using (applicant_id = (select auth.uid()) or poster_id = (select auth.uid()));

-- rule: APP-APPLY-AS-SELF
create policy "users apply as themselves" on public.applications
for insert to authenticated
with check (applicant_id = (select auth.uid()));

create policy "applicants and posters update applications" on public.applications
for update to authenticated
using (applicant_id = (select auth.uid()) or poster_id = (select auth.uid()))
with check (applicant_id = (select auth.uid()) or poster_id = (select auth.uid()));
