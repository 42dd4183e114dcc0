-- The claim walked the due deliveries in time order and read past every row of a webhook already
-- at its cap: with a backlog, each claim cost milliseconds of Postgres per delivery. It now skips
-- from webhook to webhook over their unfinished deliveries (private.claim_webhook_deliveries).
create index webhook_deliveries_unfinished_idx on public.webhook_deliveries (webhook_id, next_attempt_at)
where status in ('pending', 'failed');
-- Served only the old claim's time-ordered walk.
drop index public.webhook_deliveries_due_idx;
