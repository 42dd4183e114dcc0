/**
 * Skill endorsements (SPEC §7). The rules (not yourself, only a skill on the endorsed profile,
 * blocks), the notification and the reputation points live in supabase/functions_sql/72_trust.sql;
 * policies in supabase/policies/endorsements.sql.
 */

create table public.endorsements (
    id uuid primary key default gen_random_uuid(),
    endorser_id uuid not null default auth.uid() references public.profiles (id) on delete cascade,
    endorsed_id uuid not null references public.profiles (id) on delete cascade,
    -- Stored with the endorsed profile's spelling of the skill (set by the insert trigger).
    skill text not null,
    comment text,
    created_at timestamptz not null default now(),
    constraint endorsements_not_self check (endorser_id <> endorsed_id),
    constraint endorsements_skill_length check (char_length(skill) between 1 and 50),
    constraint endorsements_comment_length check (char_length(comment) between 1 and 500)
);

-- One per endorser, endorsed person and skill, whatever the case.
create unique index endorsements_endorser_endorsed_skill_key
on public.endorsements (endorser_id, endorsed_id, lower(skill));
-- A profile's endorsements by skill (the per-skill counts), newest first within a skill.
create index endorsements_endorsed_skill_idx on public.endorsements (endorsed_id, lower(skill), created_at);

comment on table public.endorsements is
'Skill endorsements. Public; the endorser writes and deletes. Per-skill counts: endorsement_counts(user_id). '
'Rules: docs/rules.md (ENDORSE-*).';
comment on column public.endorsements.skill is 'The endorsed skill, spelled as on the endorsed profile.';
