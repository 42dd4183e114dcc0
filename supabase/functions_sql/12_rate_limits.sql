/**
 * The shared rate limiter (exact sliding windows) that applications, conversations and messages
 * use. Idempotent; re-applied whenever this file changes.
 */

/** Section - Rate limits */
-- Exact sliding window: at most p_limit actions by p_subject in any p_window. Concurrent callers
-- for the same subject and action are serialised by an advisory lock, so the count is exact.
-- rule: APP-RATE-LIMIT, CONV-RATE-LIMIT, MSG-RATE-LIMIT
create or replace function private.rate_limit(
    p_action text,
    p_subject uuid,
    p_limit integer,
    p_window interval
)
returns void
language plpgsql
security definer
-- Reads and writes the private counters whoever the caller is.
set search_path = ''
as $$
declare
    v_now timestamptz := clock_timestamp();
    v_count integer;
    v_oldest timestamptz;
    v_retry_seconds integer;
begin
    perform pg_catalog.pg_advisory_xact_lock(
        pg_catalog.hashtextextended(p_action || ':' || p_subject::text, 0)
    );
    delete from private.rate_limit_events as e
    where e.action = p_action and e.subject = p_subject and e.occurred_at <= v_now - p_window;
    select count(*), min(e.occurred_at) into v_count, v_oldest
    from private.rate_limit_events as e
    where e.action = p_action and e.subject = p_subject;
    if v_count >= p_limit then
        v_retry_seconds := greatest(1, ceil(extract(epoch from (v_oldest + p_window - v_now)))::integer);
        raise exception using
            errcode = 'PT429',
            message = pg_catalog.format(
                'rate limit reached: at most %s %s per %s; retry in %s seconds',
                p_limit, p_action, p_window, v_retry_seconds
            ),
            hint = pg_catalog.format('retry-after: %s', v_retry_seconds);
    end if;
    insert into private.rate_limit_events (action, subject, occurred_at)
    values (p_action, p_subject, v_now);
end
$$;
revoke execute on function private.rate_limit(text, uuid, integer, interval) from public, anon, authenticated;
grant execute on function private.rate_limit(text, uuid, integer, interval) to service_role;
