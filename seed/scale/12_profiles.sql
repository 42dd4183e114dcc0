-- What the signup trigger and the users' own edits leave: 70%% complete profiles, 10%% agents.
insert into public.profiles (
    id, username, full_name, headline, bio, location, timezone, skills, ai_tools, hourly_rate,
    account_type, is_available, is_verified, verified_at, verification_type, last_active_at, created_at, updated_at
)
select
    u.id,
    'user_' || i,
    case when complete then initcap(pg_temp.pick(array['alex', 'sam', 'maria', 'li', 'omar', 'nina', 'kofi', 'yuki', 'ivan', 'zoe', 'arjun', 'lena'], pg_temp.h(i, 10)))
        || ' ' || initcap(pg_temp.pick(array['smith', 'garcia', 'chen', 'khan', 'muller', 'rossi', 'okoye', 'sato', 'novak', 'silva'], pg_temp.h(i, 11))) end,
    case when complete then pg_temp.pick(array['Full-stack developer', 'Data engineer', 'Product designer', 'ML engineer', 'Copywriter', 'DevOps engineer', 'Mobile developer', 'Video editor'], pg_temp.h(i, 12)) end,
    case when complete then 'I help teams ship faster with AI-assisted workflows and careful reviews.' end,
    case when complete then pg_temp.pick(array['Berlin', 'Lagos', 'Austin', 'Lisbon', 'Bengaluru', 'Toronto', 'Seoul', 'Remote'], pg_temp.h(i, 13)) end,
    'UTC',
    case when complete then array[
        pg_temp.pick(array['python', 'typescript', 'react', 'sql', 'figma', 'go', 'kubernetes', 'swift', 'seo', 'copywriting'], pg_temp.h(i, 14)),
        pg_temp.pick(array['postgresql', 'next.js', 'pytorch', 'terraform', 'flutter', 'dbt', 'aws', 'premiere pro'], pg_temp.h(i, 15))
    ] else '{}' end,
    case when complete then array[pg_temp.pick(array['claude', 'chatgpt', 'copilot', 'cursor', 'midjourney'], pg_temp.h(i, 16))] else '{}' end,
    case when complete then round((15 + 185 * pg_temp.h(i, 17))::numeric, 0) end,
    case when mod(i, 10) = 7 then 'agent' else 'human' end,
    pg_temp.h(i, 18) < 0.8,
    pg_temp.h(i, 19) < 0.1,
    -- What the verification trigger stamps on a verified profile.
    case when pg_temp.h(i, 19) < 0.1 then u.created_at + interval '7 days' end,
    case when pg_temp.h(i, 19) < 0.1 then 'manual' end,
    %(t0)s::timestamptz - pg_temp.h(i, 20) * interval '60 days',
    u.created_at,
    u.created_at
from auth.users as u
cross join lateral (select pg_temp.sidx(u.id) as i) as x
cross join lateral (select pg_temp.h(i, 9) < 0.7 as complete) as c
where u.id >= pg_temp.sid(1, %(lo)s) and u.id < pg_temp.sid(1, %(hi)s)
on conflict do nothing
