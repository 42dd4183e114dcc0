-- Endorsements: skewed towards a few well-known people, each for a skill on the endorsed profile
-- (profiles without skills get none), never by themselves; a repeated (endorser, endorsed,
-- skill) is dropped. Reputation is recomputed in 95_reputation.sql.
insert into public.endorsements (id, endorser_id, endorsed_id, skill, comment, created_at)
select
    pg_temp.sid(22, i),
    pg_temp.sid(1, s.endorser),
    p.id,
    p.skills[1 + floor(pg_temp.h(i, 86) * cardinality(p.skills))::integer],
    case when pg_temp.h(i, 87) < 0.3 then 'Worked together on a launch: reliable and fast.' end,
    %(t0)s::timestamptz - pg_temp.h(i, 88) * interval '365 days'
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as i
cross join lateral (
    select
        pg_temp.perm(pg_temp.skew(pg_temp.h(i, 84), %(users)s, 2), %(users)s, 0.13) as endorser,
        pg_temp.perm(pg_temp.skew(pg_temp.h(i, 85), %(users)s, 3), %(users)s, 0.71) as endorsed
) as s
join public.profiles as p on p.id = pg_temp.sid(1, s.endorsed)
where s.endorser <> s.endorsed and cardinality(p.skills) > 0
on conflict do nothing
