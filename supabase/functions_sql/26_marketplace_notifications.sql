/**
 * Notifications for marketplace events: applications received and their status changes, gigs
 * filled, reviews received. The triggers only notify; a failing notification never undoes the
 * marketplace write (private.notify() swallows its own errors). Idempotent; re-applied when
 * changed. Trigger names are `notify` on each table, beside the marketplace's own triggers.
 */

/** Section - Applications */
-- rule: NOTIF-APPLICATION
create or replace function private.applications_notify()
returns trigger
language plpgsql
security definer
-- Notifies the poster or the applicant, whoever changed the row (only the database writes
-- notifications), and reads the gig's title and poster.
set search_path = ''
as $$
declare
    v_poster uuid;
    v_title text;
    v_data jsonb;
begin
    select g.poster_id, g.title into v_poster, v_title from public.gigs as g where g.id = new.gig_id;
    v_data := jsonb_build_object(
        'application_id', new.id, 'gig_id', new.gig_id, 'gig_title', v_title, 'status', new.status
    );
    if tg_op = 'INSERT' then
        perform private.notify(
            v_poster, 'application_received',
            private.display_name(new.applicant_id) || ' applied to ' || coalesce(v_title, 'your gig'),
            null, v_data
        );
    elsif new.status is distinct from old.status then
        if new.status = 'withdrawn' then
            -- The applicant withdrew: the poster is told.
            perform private.notify(
                v_poster, 'application_status_changed',
                private.display_name(new.applicant_id) || ' withdrew their application',
                'For ' || coalesce(v_title, 'your gig') || '.', v_data
            );
        else
            perform private.notify(
                new.applicant_id, 'application_status_changed',
                'Your application is ' || new.status,
                'For ' || coalesce(v_title, 'a gig') || '.', v_data || jsonb_build_object('previous_status', old.status)
            );
        end if;
    end if;
    return null;
end
$$;
revoke execute on function private.applications_notify() from public, anon, authenticated;

drop trigger if exists notify on public.applications;
-- rule: NOTIF-APPLICATION
create trigger notify after insert or update of status on public.applications
for each row execute function private.applications_notify();

/** Section - Gigs */
-- rule: NOTIF-APPLICATION
create or replace function private.gigs_notify_filled()
returns trigger
language plpgsql
security definer
-- Writes a notification for the poster (only the database writes notifications).
set search_path = ''
as $$
begin
    perform private.notify(
        new.poster_id, 'gig_filled',
        'Your gig is filled',
        new.title || ': every position is taken.',
        jsonb_build_object('gig_id', new.id, 'gig_title', new.title)
    );
    return null;
end
$$;
revoke execute on function private.gigs_notify_filled() from public, anon, authenticated;

drop trigger if exists notify on public.gigs;
create trigger notify after update of status on public.gigs
for each row when (new.status = 'filled' and old.status is distinct from 'filled')
execute function private.gigs_notify_filled();

/** Section - Reviews */
-- rule: NOTIF-REVIEW
create or replace function private.reviews_notify()
returns trigger
language plpgsql
security definer
-- Writes a notification for the reviewee (only the database writes notifications).
set search_path = ''
as $$
begin
    perform private.notify(
        new.reviewee_id, 'review_received',
        private.display_name(new.reviewer_id) || ' reviewed you: ' || new.rating || '/5',
        new.comment,
        jsonb_build_object(
            'review_id', new.id,
            'gig_id', new.gig_id,
            'reviewer_id', new.reviewer_id,
            'rating', new.rating
        )
    );
    return null;
end
$$;
revoke execute on function private.reviews_notify() from public, anon, authenticated;

drop trigger if exists notify on public.reviews;
-- rule: NOTIF-REVIEW
create trigger notify after insert on public.reviews
for each row execute function private.reviews_notify();
