/**
 * E-mail delivery: what the outbox worker needs beyond the identity base's private.email_outbox.
 *
 * A worker claims rows by setting status 'sending', a lease (locked_until, mirrored in
 * next_attempt_at so the due index finds expired leases) and a fresh claim_token. Only the holder
 * of the current token may record the outcome: a worker that stalled past its lease and was
 * overtaken cannot overwrite the newer claim. claimed_by names the worker for operators.
 */

alter table private.email_outbox add column claim_token uuid;
alter table private.email_outbox add column claimed_by text;

comment on column private.email_outbox.claim_token is
'Token of the worker currently holding the lease; outcomes are recorded only with it.';
comment on column private.email_outbox.claimed_by is
'Worker (host:pid) that last claimed the row, for operators.';
