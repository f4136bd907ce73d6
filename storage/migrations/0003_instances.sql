-- The Paperboy processes sharing this database, each alive while it keeps renewing expires_at.
-- They split the platforms' overall rate limits between them, and the oldest live one schedules.
CREATE TABLE instances (
    owner       TEXT PRIMARY KEY,
    started_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
