/**
 * Community posts (SPEC §7): posts, their votes, threaded comments and comment votes, plus the
 * private per-tag copy of each live post's sort keys that serves tag feeds from an index.
 *
 * Counters, scores and hot_rank are kept by triggers (supabase/functions_sql/75_community_posts.sql);
 * the feed is supabase/functions_sql/76_feed.sql; policies and grants are in supabase/policies/.
 * Choices are documented in docs/community_posts.md.
 */

/** Section - Posts */
create table public.posts (
    id uuid primary key default gen_random_uuid(),
    author_id uuid not null default auth.uid() references auth.users (id) on delete cascade,
    body text not null,
    url text,
    kind text not null default 'text',
    tags text [] not null default '{}',
    upvotes integer not null default 0,
    downvotes integer not null default 0,
    score integer not null default 0,
    comments_count integer not null default 0,
    hot_rank numeric not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz,
    constraint posts_body_length check (char_length(body) between 1 and 5000),
    constraint posts_url_format check (url ~ '^https?://\S+$' and char_length(url) <= 2048),
    constraint posts_kind check (kind in ('text', 'link', 'showcase')),
    constraint posts_link_has_url check (kind <> 'link' or url is not null),
    constraint posts_tags_count check (cardinality(tags) <= 10),
    constraint posts_counters check (upvotes >= 0 and downvotes >= 0 and comments_count >= 0)
);
-- The author's posts, newest first (also the foreign key's index and the `following` feed, which
-- reads it index-only: deleted_at is carried for its filter).
create index posts_author_created_idx on public.posts (author_id, created_at desc, id desc) include (deleted_at);
-- One index per feed order over live posts.
create index posts_new_idx on public.posts (created_at desc, id desc) where deleted_at is null;
create index posts_hot_idx on public.posts (hot_rank desc, id desc) where deleted_at is null;
create index posts_top_idx on public.posts (score desc, id desc) where deleted_at is null;

comment on table public.posts is
'The social feed''s posts. Readable by anyone while not deleted (the author also reads their deleted ones). '
'The author inserts (author_id is the caller), edits body, url, kind and tags, and soft-deletes by setting deleted_at. '
'Counters, score and hot_rank are kept by the database. Read pages with feed().';
comment on column public.posts.body is 'Trimmed, 1-5000 characters.';
comment on column public.posts.url is 'http(s) URL, at most 2048 characters; required for kind link.';
comment on column public.posts.kind is 'text, link or showcase.';
comment on column public.posts.tags is
'At most 10 tags, each lower-cased and trimmed to 1-50 characters, duplicates and empty ones dropped.';
comment on column public.posts.score is 'upvotes - downvotes.';
comment on column public.posts.comments_count is 'Comments not deleted.';
comment on column public.posts.hot_rank is
'sign(score) * log10(max(|score|, 1)) + (created_at - 2024-01-01) / 45000 s: changes only when votes do.';
comment on column public.posts.deleted_at is 'Set by the author to delete the post; a deleted post never changes again.';

-- Each live post's sort keys once per tag: a tag feed is one range of one of these indexes.
create table private.post_tags (
    tag text not null,
    post_id uuid not null references public.posts (id) on delete cascade,
    created_at timestamptz not null,
    score integer not null,
    hot_rank numeric not null,
    primary key (post_id, tag)
);
create index post_tags_new_idx on private.post_tags (tag, created_at desc, post_id desc);
create index post_tags_hot_idx on private.post_tags (tag, hot_rank desc, post_id desc);
create index post_tags_top_idx on private.post_tags (tag, score desc, post_id desc);

/** Section - Post votes */
create table public.post_votes (
    post_id uuid not null references public.posts (id) on delete cascade,
    user_id uuid not null references auth.users (id) on delete cascade,
    value smallint not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (post_id, user_id),
    constraint post_votes_value check (value in (-1, 1))
);
create index post_votes_user_id_idx on public.post_votes (user_id);

comment on table public.post_votes is
'The caller''s own votes on posts (1 or -1). Written only by vote_post().';

/** Section - Comments */
create table public.post_comments (
    id uuid primary key default gen_random_uuid(),
    post_id uuid not null references public.posts (id) on delete cascade,
    author_id uuid default auth.uid() references auth.users (id) on delete set null,
    parent_id uuid references public.post_comments (id) on delete cascade,
    depth smallint not null default 0,
    body text not null,
    upvotes integer not null default 0,
    downvotes integer not null default 0,
    score integer not null default 0,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz,
    constraint post_comments_body check (
        (deleted_at is null and char_length(body) between 1 and 2000)
        or (deleted_at is not null and body = '')
    ),
    constraint post_comments_depth check (depth between 0 and 4),
    constraint post_comments_author check (author_id is not null or deleted_at is not null),
    constraint post_comments_counters check (upvotes >= 0 and downvotes >= 0)
);
-- A post's thread in order (also the foreign key's index).
create index post_comments_post_created_idx on public.post_comments (post_id, created_at, id);
create index post_comments_parent_id_idx on public.post_comments (parent_id);
create index post_comments_author_id_idx on public.post_comments (author_id);

comment on table public.post_comments is
'Comments on posts and replies to them (depth 0 at the top), readable by anyone. The author edits the body and '
'soft-deletes (deleted_at): a deleted comment keeps its place in the thread with an empty body. '
'Rules: docs/rules.md (COMMENT-*).';
comment on column public.post_comments.depth is 'Set by the database: 0 for a top-level comment, the parent''s + 1.';
comment on column public.post_comments.author_id is 'The caller (default); null once the author''s account is deleted.';
comment on column public.post_comments.body is 'Trimmed, 1-2000 characters; empty once deleted.';

create table public.comment_votes (
    comment_id uuid not null references public.post_comments (id) on delete cascade,
    user_id uuid not null references auth.users (id) on delete cascade,
    value smallint not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (comment_id, user_id),
    constraint comment_votes_value check (value in (-1, 1))
);
create index comment_votes_user_id_idx on public.comment_votes (user_id);

comment on table public.comment_votes is
'The caller''s own votes on comments (1 or -1). Written only by vote_comment().';

alter table public.posts enable row level security;
alter table public.post_votes enable row level security;
alter table public.post_comments enable row level security;
alter table public.comment_votes enable row level security;
