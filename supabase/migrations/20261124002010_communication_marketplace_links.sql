/**
 * Communication ↔ marketplace: the foreign keys from conversations and video calls to gigs and
 * applications, added once both areas exist. A deleted gig or application leaves the
 * conversation and the call in place with the link cleared (conversations keep gig_key, so the
 * pair's direct conversation stays distinct).
 */
alter table public.conversations
add constraint conversations_gig_id_fkey foreign key (gig_id) references public.gigs (id) on delete set null;

alter table public.video_calls
add constraint video_calls_gig_id_fkey foreign key (gig_id) references public.gigs (id) on delete set null,
add constraint video_calls_application_id_fkey
foreign key (application_id) references public.applications (id) on delete set null;

/** Section - API documentation of the remaining columns */
comment on column public.conversation_participants.user_id is 'A participant (the caller or the other person).';
comment on column public.user_blocks.blocker_id is 'The caller (default); not client-writable.';
comment on column public.user_blocks.blocked_id is 'The user blocked: no new conversations or messages either way.';
comment on column public.video_calls.host_id is 'The caller who scheduled the call (default); not client-writable.';
comment on column public.video_calls.guest_id is
'Someone the host shares a conversation or an application with (42501 otherwise); not changeable.';
comment on column public.video_calls.conversation_id is
'Optional: a conversation of host and guest (PT404 when not the host''s, 22023 when the guest is not in it).';
comment on column public.video_calls.application_id is
'Optional: an application between host and guest (poster and applicant); sets gig_id.';
comment on column public.video_calls.gig_id is
'Optional: derived from the application or conversation; a given one must agree (22023).';
comment on column public.video_calls.started_at is 'Set by the database when the call first starts.';
comment on column public.video_calls.ended_at is 'Set by the database when the call is completed or cancelled.';
