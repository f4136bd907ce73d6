-- The PostgreSQL text of ../0006_summary_language.sql (why is said there).
ALTER TABLE subscriptions ADD COLUMN summary_language TEXT;
