/**
 * Verification requests (SPEC §7): evidence a user submits when the automatic criteria do not
 * hold yet, decided by an admin or the service. Written only through request_verification and
 * private.review_verification_request (supabase/functions_sql/72_trust.sql).
 */

create table public.verification_requests (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null references public.profiles (id) on delete cascade,
    evidence text not null,
    status text not null default 'pending',
    note text,
    decided_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint verification_requests_evidence_length check (char_length(evidence) between 20 and 2000),
    constraint verification_requests_note_length check (char_length(note) between 1 and 2000),
    constraint verification_requests_status check (status in ('pending', 'approved', 'rejected')),
    constraint verification_requests_decided check ((status = 'pending') = (decided_at is null))
);

-- One pending request per user at a time; the owner's requests, newest first.
create unique index verification_requests_one_pending_key on public.verification_requests (user_id)
where status = 'pending';
create index verification_requests_user_id_idx on public.verification_requests (user_id, created_at);
-- The reviewers' queue, oldest first.
create index verification_requests_pending_idx on public.verification_requests (created_at)
where status = 'pending';

comment on table public.verification_requests is
'The caller''s verification requests: evidence, status (pending | approved | rejected) and the reviewer''s note. '
'Opened by request_verification, decided by the service; the owner reads. Rules: docs/rules.md (VERIFY-*).';
