-- paperboy: foreign keys off
-- A subscription's format may be `thread` (Slack: a header message, then one card per paper as a
-- reply in its thread). SQLite cannot change a CHECK in place, so the table is rebuilt the way
-- SQLite's documentation prescribes (https://www.sqlite.org/lang_altertable.html, "other kinds of
-- table schema changes"): with foreign keys off for this step (the first line asks storage/migrate.py
-- for that; the DROP would otherwise cascade to every outbox row), a new table with the same columns
-- in the same order, every row copied with its id, the old table dropped, the new one renamed, and
-- `PRAGMA foreign_key_check` before the commit. subscriptions has no index or trigger of its own
-- beyond the UNIQUE key, which the new table declares again.
CREATE TABLE subscriptions_new (
    id                INTEGER PRIMARY KEY,
    platform          TEXT NOT NULL,             -- telegram | slack | console
    chat_id           TEXT NOT NULL,
    thread_id         TEXT NOT NULL DEFAULT '',  -- forum topic; '' when none (part of the key)
    chat_type         TEXT NOT NULL,             -- private | group | supergroup | channel | ...
    title             TEXT,
    language          TEXT NOT NULL DEFAULT 'en',
    send_time         TEXT NOT NULL DEFAULT '09:00',
    time_zone         TEXT NOT NULL DEFAULT 'UTC',
    weekdays          INTEGER NOT NULL DEFAULT 127 CHECK (weekdays BETWEEN 1 AND 127),  -- bit 0 = Monday
    top_n             INTEGER NOT NULL DEFAULT 10 CHECK (top_n BETWEEN 1 AND 50),
    min_votes         INTEGER NOT NULL DEFAULT 0 CHECK (min_votes >= 0),
    include_keywords  TEXT NOT NULL DEFAULT '[]',
    exclude_keywords  TEXT NOT NULL DEFAULT '[]',
    format            TEXT NOT NULL DEFAULT 'compact' CHECK (format IN ('compact', 'cards', 'thread')),
    notify_empty      INTEGER NOT NULL DEFAULT 0,
    late_risers       INTEGER NOT NULL DEFAULT 0,
    active            INTEGER NOT NULL DEFAULT 1,  -- 0 after /unsubscribe (settings are kept)
    paused_reason     TEXT,                      -- set when the platform refuses delivery
    paused_at         TEXT,
    created_by        TEXT,
    active_since      TEXT NOT NULL,             -- no backlog from before this moment
    changed_by        TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (platform, chat_id, thread_id)
);
INSERT INTO subscriptions_new (
    id, platform, chat_id, thread_id, chat_type, title, language, send_time, time_zone,
    weekdays, top_n, min_votes, include_keywords, exclude_keywords, format, notify_empty,
    late_risers, active, paused_reason, paused_at, created_by, active_since, changed_by,
    created_at, updated_at)
SELECT
    id, platform, chat_id, thread_id, chat_type, title, language, send_time, time_zone,
    weekdays, top_n, min_votes, include_keywords, exclude_keywords, format, notify_empty,
    late_risers, active, paused_reason, paused_at, created_by, active_since, changed_by,
    created_at, updated_at
FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_new RENAME TO subscriptions;
