-- The PostgreSQL text of ../0003_instances.sql (why is said there).
CREATE TABLE instances (
    owner       TEXT PRIMARY KEY,
    started_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL
);
