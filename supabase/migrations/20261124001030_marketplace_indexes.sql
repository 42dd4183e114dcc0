/**
 * Indexes for two marketplace paths: search_gigs sorted by budget walks
 * gigs_active_budget_idx (highest budget first, unknown budgets last) instead of sorting every
 * active gig, and deleting a user removes their rate-limit events by subject.
 */
create index gigs_active_budget_idx on public.gigs ((coalesce(budget_max, budget_min, -1)) desc, id desc)
where status = 'active';

create index rate_limit_events_subject_idx on private.rate_limit_events (subject);
