/**
 * Marketplace: reviews, who may write them and the ratings they feed.
 * Idempotent; re-applied when changed.
 *
 * Trigger functions that enforce who may do what are `security invoker`: `current_user` is then
 * the role that sent the statement (anon/authenticated for clients), while changes made by the
 * database itself (the `security definer` bookkeeping triggers, foreign-key cascades) run as the
 * owner and only have to respect the state machines. Trigger functions cannot be called outside
 * a trigger, so the `security definer` ones are not reachable by clients directly.
 */

/** Section - Reviews */
-- True when one of the two is the gig's poster and the other was accepted on it.
-- rule: REVIEW-PARTIES
create or replace function private.review_allowed(p_gig_id uuid, p_reviewer uuid, p_reviewee uuid)
returns boolean
language sql
stable
security definer
-- Checks the other party's application, which the caller may not see.
set search_path = ''
as $$
    select p_reviewer <> p_reviewee and exists (
        select 1
        from public.gigs as g
        join public.applications as a on a.gig_id = g.id and a.status = 'accepted'
        where g.id = p_gig_id
            and (
                (g.poster_id = p_reviewer and a.applicant_id = p_reviewee)
                or (g.poster_id = p_reviewee and a.applicant_id = p_reviewer)
            )
    )
$$;
revoke execute on function private.review_allowed(uuid, uuid, uuid) from public, anon, authenticated;
grant execute on function private.review_allowed(uuid, uuid, uuid) to authenticated, service_role;

-- rule: REVIEW-PARTIES, REVIEW-NOT-SELF, REVIEW-EDIT-WINDOW
create or replace function private.reviews_guard()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    new.comment := nullif(btrim(new.comment), '');
    if tg_op = 'INSERT' then
        if not private.review_allowed(new.gig_id, new.reviewer_id, new.reviewee_id) then
            raise exception using
                errcode = '42501',
                message = 'reviews are only between a gig''s poster and an applicant accepted on that gig, never yourself';
        end if;
        return new;
    end if;
    if (new.id, new.gig_id, new.reviewer_id, new.reviewee_id, new.created_at)
        is distinct from (old.id, old.gig_id, old.reviewer_id, old.reviewee_id, old.created_at) then
        raise exception using errcode = '42501', message = 'only a review''s rating and comment can change';
    end if;
    if private.is_client() and old.created_at < now() - interval '14 days' then
        raise exception using errcode = 'PT409', message = 'a review can only be edited within 14 days';
    end if;
    return new;
end
$$;
revoke execute on function private.reviews_guard() from public, anon, authenticated;

drop trigger if exists guard on public.reviews;
create trigger guard before insert or update on public.reviews
for each row execute function private.reviews_guard();

drop trigger if exists set_updated_at on public.reviews;
create trigger set_updated_at before update on public.reviews
for each row execute function private.set_updated_at();

-- profiles.rating_avg / rating_count follow every change to a user's reviews.
-- rule: REVIEW-RATINGS
create or replace function private.refresh_rating(p_user uuid)
returns void
language sql
security definer
-- Writes another user's profile columns, which no client may write.
set search_path = ''
as $$
    update public.profiles as p
    set rating_avg = r.avg, rating_count = r.count
    from (
        select round(avg(v.rating), 2) as avg, count(*)::integer as count
        from public.reviews as v
        where v.reviewee_id = p_user
    ) as r
    where p.id = p_user
        and (p.rating_avg, p.rating_count) is distinct from (r.avg, r.count)
$$;
revoke execute on function private.refresh_rating(uuid) from public, anon, authenticated;
grant execute on function private.refresh_rating(uuid) to service_role;

create or replace function private.reviews_after_change()
returns trigger
language plpgsql
security definer
-- Calls refresh_rating for the reviewee, whoever wrote the review.
set search_path = ''
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform private.refresh_rating(old.reviewee_id);
    end if;
    if tg_op in ('INSERT', 'UPDATE') and (tg_op = 'INSERT' or new.reviewee_id <> old.reviewee_id
        or new.rating <> old.rating) then
        perform private.refresh_rating(new.reviewee_id);
    end if;
    return null;
end
$$;
revoke execute on function private.reviews_after_change() from public, anon, authenticated;

drop trigger if exists after_change on public.reviews;
-- rule: REVIEW-RATINGS
create trigger after_change after insert or delete or update of rating, reviewee_id on public.reviews
for each row execute function private.reviews_after_change();
