-- Everyone reads posts that are not deleted; the author also reads their deleted ones.
-- A signed-in user inserts posts as themselves (author_id defaults to the caller and is not
--   client-writable); the author edits body, url, kind and tags and soft-deletes (deleted_at).
-- Counters, score, hot_rank and times stay with the database; no client deletes a post.
alter table public.posts enable row level security;

revoke all on table public.posts from anon, authenticated;
grant select on table public.posts to anon, authenticated;
-- rule: POST-COLUMNS
grant insert (body, url, kind, tags) on table public.posts to authenticated;
-- rule: POST-COLUMNS
grant update (body, url, kind, tags, deleted_at) on table public.posts to authenticated;
grant all on table public.posts to service_role;

-- rule: POST-READ
create policy "live posts are public" on public.posts
for select to anon, authenticated
using (deleted_at is null or author_id = (select auth.uid()));

-- rule: POST-AUTHOR-WRITES
create policy "users post as themselves" on public.posts
for insert to authenticated
with check (author_id = (select auth.uid()));

-- rule: POST-AUTHOR-WRITES
create policy "authors edit their posts" on public.posts
for update to authenticated
using (author_id = (select auth.uid()))
with check (author_id = (select auth.uid()));
