-- Notifications, most of them read; active users get far more.
insert into public.notifications (id, user_id, type, title, body, data, read_at, created_at)
select
    pg_temp.sid(6, i),
    pg_temp.sid(1, pg_temp.perm(pg_temp.skew(pg_temp.h(i, 51), %(users)s, 2), %(users)s, 0.61)),
    n.type,
    case n.type
        when 'application_received' then 'New application'
        when 'application_status_changed' then 'Your application was updated'
        when 'message_received' then 'New message'
        when 'call_scheduled' then 'Call scheduled'
        when 'review_received' then 'You received a review'
        else 'Gig filled'
    end,
    'Open ugig to see the details.',
    '{}',
    case when pg_temp.h(i, 52) < 0.8 then n.created_at + interval '2 hours' end,
    n.created_at
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as i
cross join lateral (
    select
        pg_temp.pick(array['application_received', 'application_received', 'application_status_changed',
            'message_received', 'message_received', 'message_received', 'call_scheduled', 'review_received',
            'gig_filled'], pg_temp.h(i, 53)) as type,
        %(t0)s::timestamptz - pg_temp.h(i, 54) * interval '90 days' as created_at
) as n
on conflict do nothing
