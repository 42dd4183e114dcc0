/*
 * Client queries at scale as PostgREST sends them (issue 16): the public listings' sort keys and
 * the public profile page's lookup are index ranges (docs/queries.md lists what is served).
 *
 * Gigs: a listing is `status=eq.<s>` (anon sees non-draft gigs; the policy's
 * `status <> 'draft' or poster_id = (select auth.uid())` is then a filter every row passes),
 * optionally `category=eq.<slug>`, ordered newest (created_at), recently published
 * (published_at, gigs_status_published_idx) or highest budget first (budget_max desc nulls last).
 * Each order has an index per filter shape, so a page at any offset is the first
 * limit + offset entries of one range instead of a sort of every active gig. They are not
 * partial: PostgREST binds `status` as a parameter, and a generic plan cannot prove a partial
 * index's predicate. The category indexes lead with category, so they also serve the foreign key
 * (gigs_category_idx goes).
 *
 * Profiles: `profiles?username=eq.<name>` compares the column itself, which the unique index on
 * lower(username) cannot serve. profiles_username_format (^[a-z0-9_]{3,30}$) and the normalising
 * trigger already force lower case, so a plain unique index on username keeps usernames unique
 * case-insensitively.
 */

/** Section - gigs */
create index gigs_status_created_idx on public.gigs (status, created_at desc, id desc);
create index gigs_status_budget_idx on public.gigs (status, budget_max desc nulls last, id desc);
create index gigs_category_status_created_idx on public.gigs (category, status, created_at desc, id desc);
create index gigs_category_status_published_idx on public.gigs (category, status, published_at desc, id desc);
create index gigs_category_status_budget_idx on public.gigs (
    category, status, budget_max desc nulls last, id desc
);
drop index public.gigs_category_idx;

/** Section - profiles */
drop index public.profiles_username_key;
-- Unique case-insensitively too: profiles_username_format admits lower case only.
create unique index profiles_username_key on public.profiles (username);
