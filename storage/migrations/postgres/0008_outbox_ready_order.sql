-- The PostgreSQL text of ../0008_outbox_ready_order.sql (why is said there).
DROP INDEX outbox_ready;
CREATE INDEX outbox_ready ON outbox (status, next_attempt_at, id);
