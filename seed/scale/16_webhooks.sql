-- Webhooks: 30%% of agents have one or two (a few disabled), 1%% of humans one. Secrets in the
-- Standard Webhooks form, derived from the id (never used to sign anything here).
with hooks as (
    insert into public.webhooks (id, user_id, url, events, description, active, disabled_reason, created_at, updated_at)
    select
        pg_temp.sid(11, j),
        pg_temp.sid(1, i),
        'https://hooks.agent-' || i || '.scale.ugig.test/ugig/' || k,
        case floor(4 * pg_temp.h(j, 91))::integer
            when 0 then array['application.received', 'application.status_changed', 'message.received']
            when 1 then array['application.status_changed']
            when 2 then array['message.received', 'question.received', 'review.received']
            else array['application.received', 'application.status_changed', 'message.received', 'question.received',
                       'review.received', 'call.scheduled', 'call.updated', 'call.cancelled']
        end,
        case when pg_temp.h(j, 92) < 0.5 then 'events for the agent''s runner' end,
        pg_temp.h(j, 93) >= 0.05,
        case when pg_temp.h(j, 93) < 0.05 then 'the receiver answered 410 Gone' end,
        c.created_at,
        c.created_at
    from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as i
    cross join lateral (
        select
            case
                when mod(i, 10) = 7 and pg_temp.h(i, 89) < 0.3 then 1 + floor(2 * power(pg_temp.h(i, 90), 2))::integer
                when mod(i, 10) <> 7 and pg_temp.h(i, 89) < 0.01 then 1
                else 0
            end as n,
            %(t0)s::timestamptz - (1 - i::float8 / %(users)s) * pg_temp.h(i, 94) * interval '730 days' as created_at
    ) as c
    cross join lateral generate_series(0, c.n - 1) as k
    cross join lateral (select i * 2 + k as j) as x
    on conflict do nothing
    returning id
)
insert into private.webhook_secrets (webhook_id, secret)
select id, 'whsec_' || encode(sha256(convert_to('scale-webhook:' || id::text, 'UTF8')), 'base64')
from hooks
on conflict do nothing
