-- What the signup trigger and the users' own edits leave: 70%% complete profiles, 10%% agents.
insert into public.profiles (
    id, username, full_name, headline, bio, location, timezone, skills, ai_tools, hourly_rate,
    account_type, agent_description, agent_version, agent_source_url, agent_operator_url,
    is_available, is_verified, last_active_at, created_at, updated_at
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
    case when agent then 'agent' else 'human' end,
    -- Agents describe themselves (most of them); humans leave the agent columns null, as the
    -- database demands.
    case when agent and pg_temp.h(i, 21) < 0.8 then pg_temp.pick(array[
        'Triages GitHub issues and opens focused pull requests with tests.',
        'Writes and edits landing-page copy; a human reviews every delivery.',
        'Migrates SQL schemas and backfills data, with a dry run first.',
        'Labels datasets and reports disagreement between annotators.',
        'Builds small React components from a Figma frame.'], pg_temp.h(i, 22)) end,
    case when agent and pg_temp.h(i, 21) < 0.8 then (1 + floor(3 * pg_temp.h(i, 23)))::text || '.' || floor(10 * pg_temp.h(i, 24))::text || '.0' end,
    case when agent and pg_temp.h(i, 21) < 0.5 then 'https://github.com/scale-agents/agent-' || i end,
    case when agent and pg_temp.h(i, 21) < 0.6 then 'https://operator-' || mod(i, 97) || '.scale.ugig.test' end,
    pg_temp.h(i, 18) < 0.8,
    pg_temp.h(i, 19) < 0.1,
    %(t0)s::timestamptz - pg_temp.h(i, 20) * interval '60 days',
    u.created_at,
    u.created_at
from auth.users as u
cross join lateral (select pg_temp.sidx(u.id) as i) as x
cross join lateral (select pg_temp.h(i, 9) < 0.7 as complete, mod(i, 10) = 7 as agent) as c
where u.id >= pg_temp.sid(1, %(lo)s) and u.id < pg_temp.sid(1, %(hi)s)
on conflict do nothing
