/**
 * Marketplace core: gig categories, gigs, applications, saved gigs, work history, portfolio
 * items and reviews, plus two private bookkeeping tables (gig publications for the plan limit,
 * gig views for record_gig_view).
 *
 * Rules that span rows (state machines, plan limit, rate limit, counters, ratings) are triggers
 * in functions_sql/20_marketplace.sql; grants and RLS are in one policy file per table. Every
 * user-owned row cascades from auth.users through public.profiles, so deleting a user leaves no
 * orphan marketplace data.
 */

/** Section - Gig categories */
create table public.gig_categories (
    slug text primary key,
    name text not null,
    created_at timestamptz not null default now(),
    constraint gig_categories_slug_format check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    constraint gig_categories_name_length check (char_length(name) between 1 and 60)
);

comment on table public.gig_categories is
'The fixed list of gig categories (slug, display name). Everyone reads; only the service writes.';

insert into public.gig_categories (slug, name) values
('web-development', 'Web development'),
('mobile-development', 'Mobile development'),
('ai-ml', 'AI & machine learning'),
('data', 'Data'),
('devops', 'DevOps'),
('design', 'Design'),
('writing', 'Writing'),
('marketing', 'Marketing'),
('video', 'Video'),
('other', 'Other')
on conflict (slug) do nothing;

/** Section - Gigs */
create table public.gigs (
    id uuid primary key default gen_random_uuid(),
    poster_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
    title text not null,
    description text not null,
    category text not null references public.gig_categories (slug),
    skills_required text [] not null,
    ai_tools_preferred text [] not null default '{}',
    budget_type text not null,
    budget_min numeric(12, 2),
    budget_max numeric(12, 2),
    currency text not null default 'USD',
    duration text,
    location_type text not null default 'remote',
    location text,
    positions integer not null default 1,
    status text not null default 'draft',
    published_at timestamptz,
    applications_count integer not null default 0,
    views_count integer not null default 0,
    search_vector tsvector not null default ''::tsvector,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint gigs_title_length check (char_length(title) between 10 and 120),
    constraint gigs_description_length check (char_length(description) between 50 and 10000),
    constraint gigs_skills_required_count check (cardinality(skills_required) between 1 and 15),
    constraint gigs_ai_tools_preferred_count check (cardinality(ai_tools_preferred) <= 10),
    constraint gigs_budget_type check (budget_type in ('fixed', 'hourly')),
    constraint gigs_budget_min_range check (budget_min >= 0),
    constraint gigs_budget_max_range check (budget_max >= 0),
    constraint gigs_budget_order check (budget_min <= budget_max),
    constraint gigs_currency_format check (currency ~ '^[A-Z]{3}$'),
    constraint gigs_duration_length check (char_length(duration) between 1 and 100),
    constraint gigs_location_type check (location_type in ('remote', 'onsite', 'hybrid')),
    constraint gigs_location_length check (char_length(location) between 1 and 120),
    constraint gigs_positions_range check (positions between 1 and 50),
    constraint gigs_status check (status in ('draft', 'active', 'paused', 'closed', 'filled')),
    constraint gigs_published_when_live check (status = 'draft' or published_at is not null),
    constraint gigs_applications_count_range check (applications_count >= 0),
    constraint gigs_views_count_range check (views_count >= 0)
);

comment on table public.gigs is
'Gigs posted by clients. Everyone reads gigs that are not drafts; the poster reads all of theirs and is the only writer. '
'Created as draft or active; status moves draft->active, active<->paused, active|paused->closed|filled, closed->active '
'(else PT409). A first activation counts against the plan: without Pro at most 10 per UTC month (PT402). '
'A gig with applications cannot be deleted (PT409): close it instead.';
comment on column public.gigs.poster_id is 'The poster (defaults to the caller); not changeable.';
comment on column public.gigs.category is 'A slug from gig_categories.';
comment on column public.gigs.skills_required is '1-15 skills, trimmed, duplicates removed.';
comment on column public.gigs.status is 'draft | active | paused | closed | filled.';
comment on column public.gigs.published_at is 'Set by the database on the first activation; never reset.';
comment on column public.gigs.applications_count is 'Number of applications (maintained by the database).';
comment on column public.gigs.views_count is 'Distinct viewers per UTC day, counted by record_gig_view.';
comment on column public.gigs.search_vector is 'Full-text vector over title, skills and description (maintained by the database).';

create index gigs_poster_created_idx on public.gigs (poster_id, created_at desc);
create index gigs_category_idx on public.gigs (category);
create index gigs_status_published_idx on public.gigs (status, published_at desc, id desc);
create index gigs_skills_required_idx on public.gigs using gin (skills_required);
create index gigs_ai_tools_preferred_idx on public.gigs using gin (ai_tools_preferred);
create index gigs_search_vector_idx on public.gigs using gin (search_vector);

/** Section - Gig publications (private: the plan limit counts first publications, even of deleted gigs) */
create table private.gig_publications (
    gig_id uuid primary key,
    poster_id uuid not null references auth.users (id) on delete cascade,
    published_at timestamptz not null default now()
);

create index gig_publications_poster_idx on private.gig_publications (poster_id, published_at);

/** Section - Gig views (private: one row per viewer per gig per UTC day) */
create table private.gig_views (
    gig_id uuid not null references public.gigs (id) on delete cascade,
    viewer_key text not null,
    viewer_id uuid references auth.users (id) on delete cascade,
    viewed_on date not null,
    created_at timestamptz not null default now(),
    primary key (gig_id, viewer_key, viewed_on)
);

create index gig_views_viewer_idx on private.gig_views (viewer_id);

/** Section - Applications */
create table public.applications (
    id uuid primary key default gen_random_uuid(),
    gig_id uuid not null references public.gigs (id) on delete cascade,
    applicant_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
    cover_letter text not null,
    proposed_rate numeric(12, 2),
    proposed_timeline text,
    portfolio_urls text [] not null default '{}',
    ai_tools text [] not null default '{}',
    status text not null default 'pending',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint applications_gig_applicant_key unique (gig_id, applicant_id),
    constraint applications_cover_letter_length check (char_length(cover_letter) between 50 and 5000),
    constraint applications_proposed_rate_range check (proposed_rate >= 0),
    constraint applications_proposed_timeline_length check (char_length(proposed_timeline) between 1 and 200),
    constraint applications_portfolio_urls_count check (cardinality(portfolio_urls) <= 5),
    constraint applications_ai_tools_count check (cardinality(ai_tools) <= 10),
    constraint applications_status check (
        status in ('pending', 'reviewing', 'shortlisted', 'rejected', 'accepted', 'withdrawn')
    )
);

comment on table public.applications is
'Applications to gigs. Visible only to the applicant and the gig''s poster. Apply to an active gig that is not yours '
'(42501 for your own, PT409 when not active, PT404 when not visible), at most 50 per 24 h (PT429). '
'The applicant edits the proposal while pending and withdraws from pending|reviewing|shortlisted; the poster moves '
'pending->reviewing|shortlisted|rejected|accepted, reviewing->shortlisted|rejected|accepted, '
'shortlisted->reviewing|rejected|accepted, rejected->reviewing; accepted and withdrawn are final (PT409). '
'When accepted applications reach the gig''s positions the gig becomes filled and its other open applications rejected.';
comment on column public.applications.applicant_id is 'The applicant (defaults to the caller); not changeable.';
comment on column public.applications.status is
'pending | reviewing | shortlisted | rejected | accepted | withdrawn; new applications start pending.';
comment on column public.applications.portfolio_urls is 'Up to 5 http(s) URLs.';

create index applications_applicant_created_idx on public.applications (applicant_id, created_at desc);
create index applications_gig_status_idx on public.applications (gig_id, status, created_at desc);

/** Section - Saved gigs */
create table public.saved_gigs (
    user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
    gig_id uuid not null references public.gigs (id) on delete cascade,
    created_at timestamptz not null default now(),
    primary key (user_id, gig_id)
);

comment on table public.saved_gigs is
'Gigs a user bookmarked. Private to the owner; only gigs the owner can see (PT404) and not their own (42501).';

create index saved_gigs_gig_idx on public.saved_gigs (gig_id);
create index saved_gigs_user_created_idx on public.saved_gigs (user_id, created_at desc);

/** Section - Work history */
create table public.work_history (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
    company text not null,
    title text not null,
    start_date date not null,
    end_date date,
    description text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint work_history_company_length check (char_length(company) between 1 and 120),
    constraint work_history_title_length check (char_length(title) between 1 and 120),
    constraint work_history_description_length check (char_length(description) between 1 and 2000),
    constraint work_history_dates_order check (end_date >= start_date)
);

comment on table public.work_history is
'Past positions on a profile (end_date null = current). Everyone reads; the owner writes.';

create index work_history_user_start_idx on public.work_history (user_id, start_date desc);

/** Section - Portfolio items */
create table public.portfolio_items (
    id uuid primary key default gen_random_uuid(),
    user_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
    title text not null,
    description text,
    url text,
    image_path text,
    tags text [] not null default '{}',
    gig_id uuid references public.gigs (id) on delete set null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint portfolio_items_title_length check (char_length(title) between 1 and 120),
    constraint portfolio_items_description_length check (char_length(description) between 1 and 2000),
    constraint portfolio_items_url_format check (url ~ '^https?://\S+$' and char_length(url) <= 2048),
    constraint portfolio_items_image_path_length check (char_length(image_path) between 1 and 1024),
    constraint portfolio_items_tags_count check (cardinality(tags) <= 20)
);

comment on table public.portfolio_items is
'Portfolio entries on a profile. Everyone reads; the owner writes. image_path is an object in the portfolio bucket '
'under the owner''s folder; gig_id (optional) must be a gig the owner posted or was accepted on.';

create index portfolio_items_user_created_idx on public.portfolio_items (user_id, created_at desc);
create index portfolio_items_gig_idx on public.portfolio_items (gig_id);
create index portfolio_items_tags_idx on public.portfolio_items using gin (tags);

/** Section - Reviews */
create table public.reviews (
    id uuid primary key default gen_random_uuid(),
    gig_id uuid not null references public.gigs (id) on delete cascade,
    reviewer_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
    reviewee_id uuid not null references public.profiles (id) on delete cascade,
    rating smallint not null,
    comment text,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint reviews_gig_reviewer_reviewee_key unique (gig_id, reviewer_id, reviewee_id),
    constraint reviews_rating_range check (rating between 1 and 5),
    constraint reviews_comment_length check (char_length(comment) between 1 and 2000),
    constraint reviews_not_self check (reviewer_id <> reviewee_id)
);

comment on table public.reviews is
'Reviews between a gig''s poster and an applicant accepted on that gig, in either direction (else 42501). '
'Everyone reads; the reviewer edits rating and comment within 14 days (PT409 after); no client deletes. '
'profiles.rating_avg and rating_count follow every change.';

create index reviews_reviewee_created_idx on public.reviews (reviewee_id, created_at desc);
create index reviews_reviewer_idx on public.reviews (reviewer_id);
