-- Gigs over the last year, oldest first; a few posters own thousands (power law over posters).
-- search_vector is computed here as the gigs trigger computes it (triggers are off).
insert into public.gigs (
    id, poster_id, title, description, category, skills_required, ai_tools_preferred,
    budget_type, budget_min, budget_max, currency, duration, location_type, location, positions,
    status, published_at, applications_count, views_count, search_vector, created_at, updated_at
)
select
    pg_temp.sid(2, j),
    pg_temp.sid(1, pg_temp.gig_poster(j, %(posters)s)),
    v.title,
    v.description,
    v.category,
    v.skills,
    array[pg_temp.pick(array['claude', 'chatgpt', 'copilot', 'cursor', 'midjourney', 'runway'], pg_temp.h(j, 30))],
    case when pg_temp.h(j, 31) < 0.6 then 'fixed' else 'hourly' end,
    v.budget_min,
    v.budget_min * (1 + round((2 * pg_temp.h(j, 32))::numeric, 1)),
    'USD',
    pg_temp.pick(array['1 week', '2 weeks', '1 month', '3 months', 'ongoing'], pg_temp.h(j, 33)),
    case when pg_temp.h(j, 34) < 0.85 then 'remote' when pg_temp.h(j, 34) < 0.95 then 'hybrid' else 'onsite' end,
    case when pg_temp.h(j, 34) >= 0.85 then pg_temp.pick(array['Berlin', 'London', 'New York', 'Lagos', 'Singapore'], pg_temp.h(j, 35)) end,
    case when pg_temp.h(j, 36) < 0.9 then 1 else 2 end,
    v.status,
    case when v.status <> 'draft' then v.created_at end,
    0,
    floor(200 * power(pg_temp.h(j, 37), 3))::integer,
    setweight(to_tsvector('english'::regconfig, v.title), 'A')
    || setweight(to_tsvector('english'::regconfig, array_to_string(v.skills, ' ')), 'B')
    || setweight(to_tsvector('english'::regconfig, v.description), 'C'),
    v.created_at,
    v.created_at
from generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) as j
cross join lateral (
    select
        k.category,
        k.thing || ' ' || pg_temp.pick(array['for a fintech startup', 'for our SaaS dashboard', 'for an e-commerce store',
            'for a healthcare app', 'for a travel marketplace', 'for a nonprofit', 'for an AI agent platform',
            'for a logistics company'], pg_temp.h(j, 41)) as title,
        'We are looking for help with ' || lower(k.thing) || '. '
        || pg_temp.pick(array['Scope is clear and documented.', 'You will work with our small product team.',
            'Async communication, weekly check-ins.', 'Please share similar work you have shipped.'], pg_temp.h(j, 42))
        || ' Required: ' || k.skill1 || ' and ' || k.skill2 || '. AI-assisted workflows welcome.' as description,
        array[k.skill1, k.skill2] as skills,
        round((50 + 4950 * power(pg_temp.h(j, 43), 2))::numeric, 0) as budget_min,
        pg_temp.gig_status(j) as status,
        %(t0)s::timestamptz - (1 - j::float8 / %(gigs)s) * interval '365 days' as created_at
    from (
        select
            c.slug as category,
            pg_temp.pick(c.things, pg_temp.h(j, 44)) as thing,
            pg_temp.pick(c.skills, pg_temp.h(j, 45)) as skill1,
            -- the next skill in the list: never the same as skill1
            c.skills[1 + mod(floor(pg_temp.h(j, 45) * cardinality(c.skills))::integer + 1, cardinality(c.skills))] as skill2
        from (values
            (0, 'web-development', array['Build a Next.js landing page', 'Fix React performance issues', 'Build a REST API', 'Migrate a site to Supabase'], array['react', 'next.js', 'typescript', 'postgresql', 'node.js']),
            (1, 'mobile-development', array['Build a Flutter MVP', 'Ship an iOS widget', 'Fix Android crashes', 'Add push notifications'], array['flutter', 'swift', 'kotlin', 'react native']),
            (2, 'ai-ml', array['Build a RAG chatbot', 'Fine-tune an LLM', 'Evaluate prompt quality', 'Train an image classifier'], array['python', 'pytorch', 'langchain', 'openai api']),
            (3, 'data', array['Build dbt models', 'Clean a customer dataset', 'Create a Looker dashboard', 'Set up an Airflow pipeline'], array['sql', 'dbt', 'airflow', 'bigquery', 'pandas']),
            (4, 'devops', array['Set up Kubernetes autoscaling', 'Write Terraform modules', 'Speed up CI pipelines', 'Cut AWS costs'], array['terraform', 'kubernetes', 'aws', 'docker']),
            (5, 'design', array['Design a mobile app UI', 'Create a brand identity', 'Build a Figma design system', 'Redesign onboarding'], array['figma', 'ui design', 'branding', 'illustration']),
            (6, 'writing', array['Write API documentation', 'Write SEO blog posts', 'Edit a technical ebook', 'Write release notes'], array['technical writing', 'copywriting', 'seo', 'editing']),
            (7, 'marketing', array['Run a Google Ads campaign', 'Plan a product launch', 'Grow a newsletter', 'Audit our SEO'], array['seo', 'google ads', 'email marketing', 'analytics']),
            (8, 'video', array['Edit a product demo video', 'Animate an explainer', 'Cut YouTube shorts', 'Color grade a short film'], array['premiere pro', 'after effects', 'davinci resolve']),
            (9, 'other', array['Research competitors', 'Translate a website', 'Set up Notion for a team', 'Virtual assistant work'], array['research', 'translation', 'notion', 'excel'])
        ) as c (n, slug, things, skills)
        where c.n = floor(10 * power(pg_temp.h(j, 40), 1.3))::integer
    ) as k
) as v
on conflict do nothing
