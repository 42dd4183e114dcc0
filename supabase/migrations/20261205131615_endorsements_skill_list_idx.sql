/**
 * A client lists the endorsers of one skill as PostgREST lets it:
 * `endorsements?endorsed_id=eq.<id>&skill=eq.<skill>&order=created_at.desc&limit=20`. Skills are
 * stored with the profile's spelling, so `skill=eq.` is the filter it sends; the existing index
 * is on lower(skill) (endorsement_counts matches case-insensitively) and serves it only as far
 * as endorsed_id, so a well-known person's page fetched and sorted all their endorsements
 * (docs/benchmarks.md, community queries). This index makes it one ordered range.
 */

create index endorsements_endorsed_skill_created_idx on public.endorsements (endorsed_id, skill, created_at);
