-- The PostgreSQL text of ../0005_thread_format.sql: a subscription's format may be `thread`.
-- PostgreSQL changes the CHECK in place (the rows, keys and references stay as they are).
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_format_check;
ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_format_check
    CHECK (format IN ('compact', 'cards', 'thread'));
