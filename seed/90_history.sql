/**
 * History: a marketplace that has been running for a few weeks. Everything above happened
 * "now"; here the owner moves it back in time, which no client can do (timestamps are not
 * client-writable), with triggers off (`session_replication_role = replica`) so that only
 * timestamps change. Targets are absolute, counted back from when the demo was first loaded
 * (pg_temp.seeded_at()), so a second load finds nothing to change.
 */
set local session_replication_role = replica;

-- Gigs were posted over the last six weeks, in demo order; applications came in over the days after.
update public.gigs as g
set created_at = t.at, updated_at = t.at, published_at = case when g.published_at is not null then t.at end
from demo_gigs as d
cross join lateral (select pg_temp.seeded_at() - make_interval(days => 42 - d.n * 2 / 3, hours => d.n % 9) as at) as t
where g.id = pg_temp.gig_id(d.n) and g.created_at is distinct from t.at;

update private.gig_publications as p
set published_at = g.published_at
from demo_gigs as d
join public.gigs as g on g.id = pg_temp.gig_id(d.n)
where p.gig_id = g.id and p.published_at is distinct from g.published_at;

update public.applications as a
set created_at = t.at, updated_at = case when a.status = 'pending' then t.at else t.at + interval '1 day' end
from demo_applications as d
join public.gigs as g on g.id = pg_temp.gig_id(d.gig)
cross join lateral (
    select least(g.created_at + make_interval(days => 1 + d.n % 4, hours => d.n % 7), pg_temp.seeded_at() - interval '1 day') as at
) as t
where a.id = pg_temp.application_id(d.n) and a.created_at is distinct from t.at;

-- Conversations ran over the last three weeks: message m of conversation n at a fixed time.
update public.messages as m
set created_at = t.at, updated_at = t.at
from (
    select
        id,
        pg_temp.seeded_at()
        - make_interval(days => 21 - (right(id::text, 12)::integer / 100))
        + make_interval(mins => 47 * (right(id::text, 12)::integer % 100)) as at
    from public.messages
    where id::text like '5eed0003-%'
) as t
where m.id = t.id and m.created_at is distinct from t.at;

update public.conversations as c
set created_at = t.first_at - interval '5 minutes', updated_at = t.first_at - interval '5 minutes', last_message_at = t.last_at
from (
    select conversation_id, min(created_at) as first_at, max(created_at) as last_at
    from public.messages
    where id::text like '5eed0003-%'
    group by conversation_id
) as t
where c.id = t.conversation_id and c.last_message_at is distinct from t.last_at;

update public.conversation_participants as p
set
    created_at = c.created_at,
    last_activity_at = c.last_message_at,
    last_read_at = case when p.last_read_at is not null then c.last_message_at end
from public.conversations as c
where c.id = p.conversation_id
    and exists (select 1 from public.messages as m where m.conversation_id = c.id and m.id::text like '5eed0003-%')
    and p.last_activity_at is distinct from c.last_message_at;

-- Finished calls happened last week and the week before.
update public.video_calls as v
set
    scheduled_at = t.at, started_at = t.at, ended_at = t.at + make_interval(mins => v.duration_minutes),
    created_at = t.at - interval '2 days', updated_at = t.at + make_interval(mins => v.duration_minutes)
from (
    select id, date_trunc('day', pg_temp.seeded_at()) - make_interval(days => 3 * right(id::text, 12)::integer, hours => -10) as at
    from public.video_calls
    where id::text like '5eed0004-%'
) as t
where v.id = t.id and v.status = 'completed' and v.scheduled_at is distinct from t.at;

set local session_replication_role = origin;

-- E-mails the demo's activity queued are history too: nobody should receive them.
update private.email_outbox
set status = 'skipped', last_error = 'demo seed: not sent'
where status = 'pending' and user_id::text like '5eed0000-%';
