/**
 * The row type search_gigs returns: a gig's public columns plus its rank and the keyset cursor
 * that continues after it. A named type because the RPC's argument names (category, budget_type,
 * ...) are also column names, which `returns table` cannot repeat.
 */
create type public.gig_search_result as (
    id uuid,
    poster_id uuid,
    title text,
    description text,
    category text,
    skills_required text [],
    ai_tools_preferred text [],
    budget_type text,
    budget_min numeric(12, 2),
    budget_max numeric(12, 2),
    currency text,
    duration text,
    location_type text,
    location text,
    positions integer,
    status text,
    published_at timestamptz,
    applications_count integer,
    views_count integer,
    created_at timestamptz,
    rank real,
    next_cursor text
);

comment on type public.gig_search_result is
'One search_gigs hit: the gig''s public columns, its relevance rank and next_cursor (pass it to get the next page).';
