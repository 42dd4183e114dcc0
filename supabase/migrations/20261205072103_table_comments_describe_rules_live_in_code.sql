-- Table and column comments say what a row is and who reads and writes it; the rules (state
-- machines, limits, SQLSTATEs) live beside the code that enforces them (supabase/functions_sql/,
-- supabase/policies/, each marked with its rule id) and in docs/rules.md, so changing a
-- rule never needs a migration just to fix a comment.

comment on table public.gigs is
'Gigs posted by clients. Everyone reads gigs that are not drafts; the poster reads all of theirs and is the only writer. '
'Status: draft, active, paused, closed or filled. Rules: docs/rules.md (GIG-*).';

comment on table public.applications is
'Applications to gigs. Visible only to the applicant and the gig''s poster: the applicant edits the proposal and withdraws, '
'the poster moves the status. Rules: docs/rules.md (APP-*).';

comment on table public.saved_gigs is
'Gigs a user bookmarked. Private to the owner. Rules: docs/rules.md (SAVED-*).';

comment on table public.reviews is
'Reviews between a gig''s poster and an applicant accepted on that gig, in either direction. Everyone reads; the reviewer '
'edits rating and comment for a while; profiles.rating_avg and rating_count follow every change. Rules: docs/rules.md (REVIEW-*).';

comment on table public.portfolio_items is
'Portfolio entries on a profile. Everyone reads; the owner writes. image_path is an object in the portfolio bucket; '
'gig_id optionally links a gig the owner worked on. Rules: docs/rules.md (PORTFOLIO-*).';

comment on table public.messages is
'Messages of a conversation. Participants read and send; the sender edits the body for a while and soft-deletes by '
'setting deleted_at. Rules: docs/rules.md (MSG-*).';

comment on table public.webhooks is
'Outgoing webhooks of the caller (Standard Webhooks). Created by create_webhook (the secret is returned once), secret '
'rotated by rotate_webhook_secret; the owner updates url, events, description and active, and deletes. '
'Caps and URL rules: docs/agents.md.';

comment on column public.profiles.username is
'Unique; lower case letters, digits and underscores. Rules: docs/rules.md (ID-USERNAME-*).';

comment on column public.video_calls.conversation_id is
'Optional: a conversation of host and guest.';

comment on column public.video_calls.guest_id is
'The other participant: someone the host shares a conversation or an application with; not changeable.';

comment on column public.video_calls.gig_id is
'Optional: derived from the application or conversation.';

comment on column public.video_calls.scheduled_at is
'Start time; the host reschedules while the call is scheduled.';

comment on column public.messages.body is
'The message text, trimmed; empty once the message is deleted.';
