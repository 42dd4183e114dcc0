/**
 * The `following` feed first reads the newest posts below the cursor and keeps those of followed
 * authors or tags (supabase/functions_sql/76_feed.sql): with author_id and tags in the
 * newest-first index that is an index-only scan that stops at the page, instead of one index
 * descent per followed author (500 for a reader following 500 people). The `new` feed's block
 * check on author_id becomes index-only as well. (Measured: docs/benchmarks.md.)
 */

drop index public.posts_new_idx;
create index posts_new_idx on public.posts (created_at desc, id desc) include (author_id, tags)
where deleted_at is null;
