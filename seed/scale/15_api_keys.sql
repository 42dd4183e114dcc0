-- API keys: most agents hold one to three (a few revoked, some with an expiry, a few expired),
-- 2%% of humans one. Only hashes are stored, as create_api_key does; the keys themselves were
-- never generated, so none of these can be exchanged (benchmarks create their own).
with keys as (
    insert into public.api_keys (id, user_id, name, prefix, expires_at, last_used_at, revoked_at, created_at)
    select
        pg_temp.sid(10, j),
        pg_temp.sid(1, i),
        (array['production', 'ci', 'staging'])[k + 1],
        'ugig_sk_' || left(md5(j::text), 4),
        case
            when pg_temp.h(j, 83) < 0.30 then %(t0)s::timestamptz + (30 + 300 * pg_temp.h(j, 84)) * interval '1 day'
            when pg_temp.h(j, 83) < 0.35 then %(t0)s::timestamptz - pg_temp.h(j, 84) * interval '30 days'
        end,
        case when pg_temp.h(j, 85) < 0.7 then %(t0)s::timestamptz - power(pg_temp.h(j, 86), 3) * interval '30 days' end,
        case when pg_temp.h(j, 82) < 0.1 then %(t0)s::timestamptz - pg_temp.h(j, 87) * interval '60 days' end,
        %(t0)s::timestamptz - (1 - i::float8 / %(users)s) * pg_temp.h(j, 88) * interval '730 days'
    from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as i
    cross join lateral (
        select case
            when mod(i, 10) = 7 and pg_temp.h(i, 80) < 0.6 then 1 + floor(3 * power(pg_temp.h(i, 81), 2))::integer
            when mod(i, 10) <> 7 and pg_temp.h(i, 80) < 0.02 then 1
            else 0
        end as n
    ) as c
    cross join lateral generate_series(0, c.n - 1) as k
    cross join lateral (select i * 4 + k as j) as x
    on conflict do nothing
    returning id
)
insert into private.api_key_hashes (api_key_id, key_hash)
select id, sha256(convert_to('scale-api-key:' || id::text, 'UTF8'))
from keys
on conflict do nothing
