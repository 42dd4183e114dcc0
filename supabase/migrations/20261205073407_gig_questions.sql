/**
 * Gig Q&A (SPEC §7): public questions on gigs and one level of replies. The rules (who asks and
 * replies, the edit window, soft delete, blocks, the rate limit) and the notifications live in
 * supabase/functions_sql/70_community_questions.sql; policies in supabase/policies/gig_questions.sql.
 */

create table public.gig_questions (
    id uuid primary key default gen_random_uuid(),
    gig_id uuid not null references public.gigs (id) on delete cascade,
    author_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
    -- The gig's poster, copied by the insert trigger (a gig's poster never changes): the poster's
    -- moderation policy filters on it without a join.
    poster_id uuid not null references public.profiles (id) on delete cascade,
    parent_id uuid references public.gig_questions (id) on delete cascade,
    body text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    deleted_at timestamptz,
    -- A soft-deleted question or reply keeps its place in the thread with an empty body.
    constraint gig_questions_body_length check (
        (deleted_at is null and char_length(body) between 1 and 2000)
        or (deleted_at is not null and body = '')
    )
);

-- A gig's thread in order; the replies of a question; a user's questions; the poster's.
create index gig_questions_gig_id_idx on public.gig_questions (gig_id, created_at, id);
create index gig_questions_parent_id_idx on public.gig_questions (parent_id, created_at);
create index gig_questions_author_id_idx on public.gig_questions (author_id);
create index gig_questions_poster_id_idx on public.gig_questions (poster_id);

comment on table public.gig_questions is
'Public questions on gigs (parent_id null) and replies to them, readable wherever the gig is. The author edits '
'and soft-deletes (deleted_at); the gig''s poster moderates. Rules: docs/rules.md (QA-*).';
comment on column public.gig_questions.poster_id is 'The gig''s poster (set by the database).';
comment on column public.gig_questions.parent_id is 'The question this replies to; null for a question.';
comment on column public.gig_questions.deleted_at is 'Set to delete (soft): the body is emptied, the row stays in the thread.';
