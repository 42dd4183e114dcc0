-- Everyone reads gigs that are not drafts; the poster also reads their own drafts.
-- A signed-in user creates gigs as their own poster (poster_id = caller).
-- Only the poster updates or deletes a gig, and only the client-editable columns: poster_id,
--   published_at, counters, the search vector and timestamps stay with the database.
-- Status machine, plan limit and "no delete with applications" are triggers (20_gigs.sql).
alter table public.gigs enable row level security;

revoke all on table public.gigs from anon, authenticated;
grant select on table public.gigs to anon, authenticated;
-- rule: GIG-COLUMNS
grant insert (
    poster_id, title, description, category, skills_required, ai_tools_preferred, budget_type,
    budget_min, budget_max, currency, duration, location_type, location, positions, status
) on table public.gigs to authenticated;
-- rule: GIG-COLUMNS
grant update (
    title, description, category, skills_required, ai_tools_preferred, budget_type, budget_min,
    budget_max, currency, duration, location_type, location, positions, status
) on table public.gigs to authenticated;
grant delete on table public.gigs to authenticated;
grant all on table public.gigs to service_role;

-- rule: GIG-VISIBILITY
create policy "gigs are public unless draft" on public.gigs
for select to anon, authenticated
using (status <> 'draft' or poster_id = (select auth.uid()));

-- rule: GIG-POSTER-WRITES
create policy "users post gigs as themselves" on public.gigs
for insert to authenticated
with check (poster_id = (select auth.uid()));

-- rule: GIG-POSTER-WRITES
create policy "posters update their gigs" on public.gigs
for update to authenticated
using (poster_id = (select auth.uid()))
with check (poster_id = (select auth.uid()));

-- rule: GIG-POSTER-WRITES
create policy "posters delete their gigs" on public.gigs
for delete to authenticated
using (poster_id = (select auth.uid()));
