-- needs: public.video_calls, public.conversations
-- One conversation in fifty had a call: most are past (completed or cancelled), some upcoming.
insert into public.video_calls (
    id, host_id, guest_id, gig_id, conversation_id, scheduled_at, duration_minutes, status,
    started_at, ended_at, created_at, updated_at
)
select
    pg_temp.sid(8, x.i),
    c.user_low,
    c.user_high,
    c.gig_id,
    c.id,
    x.at,
    30,
    x.status,
    case when x.status = 'completed' then x.at end,
    case when x.status = 'completed' then x.at + interval '30 minutes' end,
    c.created_at,
    c.created_at
from public.conversations as c
cross join lateral (
    select
        pg_temp.sidx(c.id) as i,
        case
            when pg_temp.h(pg_temp.sidx(c.id), 63) < 0.2 then %(t0)s::timestamptz + pg_temp.h(pg_temp.sidx(c.id), 62) * interval '30 days'
            else c.created_at + (%(t0)s::timestamptz - c.created_at) * pg_temp.h(pg_temp.sidx(c.id), 62)
        end as at,
        case
            when pg_temp.h(pg_temp.sidx(c.id), 63) < 0.2 then 'scheduled'
            when pg_temp.h(pg_temp.sidx(c.id), 63) < 0.9 then 'completed'
            else 'cancelled'
        end as status
) as x
where c.user_low is not null and c.user_high is not null and pg_temp.h(pg_temp.sidx(c.id), 61) < 0.02
on conflict do nothing;
