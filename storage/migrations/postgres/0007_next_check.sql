-- The PostgreSQL text of ../0007_next_check.sql (why is said there).
ALTER TABLE subscriptions ADD COLUMN next_check_at TIMESTAMPTZ NOT NULL DEFAULT '1970-01-01 00:00:00+00';
CREATE INDEX subscriptions_next_check ON subscriptions (next_check_at, id)
    WHERE active AND paused_reason IS NULL;
