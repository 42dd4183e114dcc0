-- Everyone reads portfolio items (they are part of the public profile).
-- The owner adds, edits and deletes their items; user_id and timestamps are not writable;
--   image_path must be in the owner's portfolio folder and gig_id a gig they worked on (trigger).
alter table public.portfolio_items enable row level security;

revoke all on table public.portfolio_items from anon, authenticated;
grant select on table public.portfolio_items to anon, authenticated;
grant insert (user_id, title, description, url, image_path, tags, gig_id) on table public.portfolio_items
to authenticated;
grant update (title, description, url, image_path, tags, gig_id) on table public.portfolio_items to authenticated;
grant delete on table public.portfolio_items to authenticated;
grant all on table public.portfolio_items to service_role;

-- rule: PORTFOLIO-OWNER
create policy "portfolio items are public" on public.portfolio_items
for select to anon, authenticated
using (true);

-- rule: PORTFOLIO-OWNER
create policy "owners add portfolio items" on public.portfolio_items
for insert to authenticated
with check (user_id = (select auth.uid()));

-- rule: PORTFOLIO-OWNER
create policy "owners edit portfolio items" on public.portfolio_items
for update to authenticated
using (user_id = (select auth.uid()))
with check (user_id = (select auth.uid()));

-- rule: PORTFOLIO-OWNER
create policy "owners delete portfolio items" on public.portfolio_items
for delete to authenticated
using (user_id = (select auth.uid()));
