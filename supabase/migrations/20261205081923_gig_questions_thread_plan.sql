/**
 * A gig's thread is read a page at a time (`gig_questions?gig_id=eq.<id>&order=created_at`), by
 * PostgREST as a prepared statement, so the plan is often the generic one. Most gigs have no or
 * one or two questions, so the measured statistic (about two rows per gig) makes the generic plan
 * fetch the whole thread and sort it: cheap for a typical gig, but a popular gig's whole thread
 * for every page. Stating about twenty rows per asked-about gig makes the ordered range read of
 * gig_questions_gig_id_idx the plan for every thread, which costs a typical gig nothing.
 * (Measured: docs/benchmarks.md, community rows.)
 */

alter table public.gig_questions alter column gig_id set (n_distinct = -0.05);
