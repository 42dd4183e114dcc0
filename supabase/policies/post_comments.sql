-- Everyone reads comments, deleted ones too (their body is empty): a thread keeps its structure.
-- A signed-in user comments as themselves (author_id defaults to the caller and is not
--   client-writable) on a live post; parent, depth and blocks are checked by trigger.
-- The author edits the body and soft-deletes (deleted_at); no client deletes a comment.
-- Counters, score and depth stay with the database.
alter table public.post_comments enable row level security;

revoke all on table public.post_comments from anon, authenticated;
grant select on table public.post_comments to anon, authenticated;
-- rule: COMMENT-COLUMNS
grant insert (post_id, parent_id, body) on table public.post_comments to authenticated;
-- rule: COMMENT-COLUMNS
grant update (body, deleted_at) on table public.post_comments to authenticated;
grant all on table public.post_comments to service_role;

-- rule: COMMENT-READ
create policy "comments are public" on public.post_comments
for select to anon, authenticated
using (true);

-- rule: COMMENT-WRITE
create policy "users comment as themselves" on public.post_comments
for insert to authenticated
with check (author_id = (select auth.uid()));

-- rule: COMMENT-SOFT-DELETE
create policy "authors edit their comments" on public.post_comments
for update to authenticated
using (author_id = (select auth.uid()))
with check (author_id = (select auth.uid()));
