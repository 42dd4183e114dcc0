/**
 * Gig Q&A (SPEC §7): who asks and replies, the edit window, soft delete and poster moderation,
 * blocks, the rate limit, and the question_received / question_answered notifications (the
 * former is also the outgoing webhook event question.received, through private.notify).
 * The rules hold for direct table writes: they live in triggers, not in an RPC.
 */

/** Section - Asking and replying */
-- A question (parent_id null) on an active gig you can see and do not own; a reply (one level)
-- to a live question of the same gig, by the gig's poster or the question's author; never across
-- a block; at most 20 questions and replies per user per hour.
-- rule: QA-ASK, QA-REPLY, QA-BLOCK, QA-RATE-LIMIT
create or replace function private.gig_questions_before_insert()
returns trigger
language plpgsql
security definer
-- Reads the gig (drafts included, to tell them apart from missing ones), the parent question and
-- blocks, which are private to the blocker but bind the blocked user too.
set search_path = ''
as $$
declare
    v_poster uuid;
    v_status text;
    v_parent public.gig_questions;
begin
    select g.poster_id, g.status into v_poster, v_status from public.gigs as g where g.id = new.gig_id;
    if not found or (v_status = 'draft' and v_poster is distinct from new.author_id) then
        raise exception using errcode = 'PT404', message = 'no such gig';
    end if;
    new.poster_id := v_poster;
    if new.parent_id is null then
        if new.author_id = v_poster then
            raise exception using errcode = '42501', message = 'you cannot ask a question on your own gig';
        end if;
    else
        select * into v_parent from public.gig_questions as q where q.id = new.parent_id;
        if not found or v_parent.gig_id <> new.gig_id or v_parent.parent_id is not null then
            raise exception using
                errcode = '22023', message = 'a reply''s parent must be a question of the same gig';
        end if;
        if new.author_id is distinct from v_poster and new.author_id is distinct from v_parent.author_id then
            raise exception using
                errcode = '42501', message = 'only the gig''s poster and the question''s author reply to a question';
        end if;
        if v_parent.deleted_at is not null then
            raise exception using errcode = 'PT409', message = 'this question was deleted';
        end if;
    end if;
    if v_status <> 'active' then
        raise exception using errcode = 'PT409', message = 'questions are open only while the gig is active';
    end if;
    if private.is_blocked(new.author_id, v_poster)
        or (v_parent.author_id is not null and private.is_blocked(new.author_id, v_parent.author_id)) then
        raise exception using errcode = '42501', message = 'you cannot write on this gig';
    end if;
    perform private.rate_limit('gig questions', new.author_id, 20, interval '1 hour');
    new.body := btrim(new.body);
    new.created_at := now();
    new.updated_at := new.created_at;
    new.deleted_at := null;
    return new;
end
$$;
revoke execute on function private.gig_questions_before_insert() from public, anon, authenticated;

drop trigger if exists before_insert on public.gig_questions;
-- rule: QA-ASK, QA-REPLY, QA-BLOCK, QA-RATE-LIMIT
create trigger before_insert before insert on public.gig_questions
for each row execute function private.gig_questions_before_insert();

/** Section - Editing and deleting */
-- The author edits the body within 15 minutes; the author, or the gig's poster, soft-deletes by
-- setting deleted_at (the body is emptied, the row keeps its place in the thread); a deleted row
-- never changes again. The policy already limits updates to the author and the poster; columns
-- outside the client's grant (body, deleted_at) are refused by privilege first.
-- rule: QA-EDIT-WINDOW, QA-SOFT-DELETE
create or replace function private.gig_questions_before_update()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_uid uuid := auth.uid();
begin
    if new.gig_id is distinct from old.gig_id
        or new.author_id is distinct from old.author_id
        or new.poster_id is distinct from old.poster_id
        or new.parent_id is distinct from old.parent_id
        or new.created_at is distinct from old.created_at then
        raise exception using
            errcode = '42501', message = 'a question''s gig, author, parent and time cannot change';
    end if;
    if old.deleted_at is not null then
        raise exception using errcode = 'PT409', message = 'a deleted question cannot change';
    end if;
    if new.deleted_at is not null then
        new.deleted_at := now();
        new.body := '';
        return new;
    end if;
    new.body := btrim(new.body);
    if new.body is distinct from old.body then
        if v_uid is not null and v_uid is distinct from old.author_id then
            raise exception using errcode = '42501', message = 'only the author edits a question';
        end if;
        if now() > old.created_at + interval '15 minutes' then
            raise exception using errcode = 'PT409', message = 'questions can be edited for 15 minutes after posting';
        end if;
    end if;
    return new;
end
$$;
revoke execute on function private.gig_questions_before_update() from public, anon, authenticated;

drop trigger if exists before_update on public.gig_questions;
-- rule: QA-EDIT-WINDOW, QA-SOFT-DELETE
create trigger before_update before update on public.gig_questions
for each row execute function private.gig_questions_before_update();

drop trigger if exists set_updated_at on public.gig_questions;
create trigger set_updated_at before update on public.gig_questions
for each row execute function private.set_updated_at();

/** Section - Notifications */
-- A question notifies the poster (question_received, also the webhook event question.received);
-- the poster's reply notifies the question's author (question_answered); the author's follow-up
-- notifies the poster (question_received). The data names ids only, plus the gig's public title.
-- rule: NOTIF-QUESTION
create or replace function private.gig_questions_notify()
returns trigger
language plpgsql
security definer
-- Writes notifications for the poster or the asker (only the database writes notifications).
set search_path = ''
as $$
declare
    v_title text;
    v_asker uuid;
    v_data jsonb;
begin
    select g.title into v_title from public.gigs as g where g.id = new.gig_id;
    v_data := jsonb_build_object(
        'question_id', coalesce(new.parent_id, new.id), 'gig_id', new.gig_id, 'gig_title', v_title
    );
    if new.parent_id is null then
        perform private.notify(
            new.poster_id, 'question_received',
            private.display_name(new.author_id) || ' asked about ' || coalesce(v_title, 'your gig'),
            new.body, v_data
        );
        return null;
    end if;
    v_data := v_data || jsonb_build_object('reply_id', new.id);
    if new.author_id = new.poster_id then
        select q.author_id into v_asker from public.gig_questions as q where q.id = new.parent_id;
        perform private.notify(
            v_asker, 'question_answered',
            private.display_name(new.author_id) || ' answered your question about ' || coalesce(v_title, 'a gig'),
            new.body, v_data
        );
    else
        perform private.notify(
            new.poster_id, 'question_received',
            private.display_name(new.author_id) || ' followed up on their question about '
            || coalesce(v_title, 'your gig'),
            new.body, v_data
        );
    end if;
    return null;
end
$$;
revoke execute on function private.gig_questions_notify() from public, anon, authenticated;

drop trigger if exists notify on public.gig_questions;
-- rule: NOTIF-QUESTION
create trigger notify after insert on public.gig_questions
for each row execute function private.gig_questions_notify();
