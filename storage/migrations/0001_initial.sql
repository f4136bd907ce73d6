-- Papers, the days they were listed, full-text search, and (for the push) subscriptions,
-- the delivery outbox and the ledger of what each destination already received.

CREATE TABLE papers (
    id            INTEGER PRIMARY KEY,
    arxiv_id      TEXT NOT NULL UNIQUE,          -- canonical, no version suffix
    title         TEXT NOT NULL,
    authors       TEXT NOT NULL DEFAULT '[]',    -- JSON array, in order
    votes         INTEGER,                       -- NULL: unknown (not zero)
    thumbnail     TEXT,
    media_url     TEXT,
    github        TEXT,
    project_page  TEXT,
    sections      TEXT NOT NULL DEFAULT '[]',    -- JSON array of [heading, text]
    abstract      TEXT,
    ai_summary    TEXT,
    keywords      TEXT NOT NULL DEFAULT '[]',    -- JSON array
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX papers_votes ON papers (votes);

CREATE TABLE days (
    day               TEXT PRIMARY KEY,          -- YYYY-MM-DD, the Daily Papers list date
    first_ingested_at TEXT NOT NULL,
    last_ingested_at  TEXT NOT NULL
);

CREATE TABLE paper_days (
    day       TEXT NOT NULL REFERENCES days (day) ON DELETE CASCADE,
    paper_id  INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,                  -- order within the day's list
    PRIMARY KEY (day, paper_id)
) WITHOUT ROWID;
CREATE INDEX paper_days_by_paper ON paper_days (paper_id, day);

-- rowid = papers.id. Text is pre-segmented by storage/fts_text.py (Hangul as bigrams).
-- Contentless: the index only, no second copy of the text (an update deletes the old tokens).
CREATE VIRTUAL TABLE papers_fts USING fts5 (
    title, authors, body,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE subscriptions (
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
    format            TEXT NOT NULL DEFAULT 'compact' CHECK (format IN ('compact', 'cards')),
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

CREATE TABLE outbox (
    id                INTEGER PRIMARY KEY,
    subscription_id   INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    kind              TEXT NOT NULL DEFAULT 'digest' CHECK (kind IN ('digest', 'note')),
    digest_day        TEXT NOT NULL,             -- the list pushed; for a note, the local due date
    due_at            TEXT NOT NULL,
    status            TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'leased', 'sent', 'failed', 'dead')),
    papers            TEXT,                      -- JSON ids, fixed when its first message goes out
    last_list         TEXT,                      -- for a note: the last list there was
    attempts          INTEGER NOT NULL DEFAULT 0,
    lease_owner       TEXT,
    lease_expires_at  TEXT,
    next_attempt_at   TEXT NOT NULL,
    last_error        TEXT,
    created_at        TEXT NOT NULL,
    finished_at       TEXT,
    UNIQUE (subscription_id, kind, digest_day)  -- enqueueing twice adds nothing
);
CREATE INDEX outbox_ready ON outbox (status, next_attempt_at);

CREATE TABLE outbox_messages (
    outbox_id            INTEGER NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
    seq                  INTEGER NOT NULL,       -- which rendered message of the push
    platform_message_id  TEXT NOT NULL,
    destination          TEXT NOT NULL,          -- where it went (platform:chat_id[:thread_id])
    papers               TEXT NOT NULL DEFAULT '[]',  -- JSON: the arXiv ids it carried
    choice               TEXT,                   -- JSON, first message only: every paper of the push
    final                INTEGER NOT NULL DEFAULT 0,  -- the push's last message: it settles the push
    sent_at              TEXT NOT NULL,
    PRIMARY KEY (outbox_id, seq)
) WITHOUT ROWID;

CREATE TABLE ledger (
    destination  TEXT NOT NULL,                  -- platform:chat_id[:thread_id]
    arxiv_id     TEXT NOT NULL,                  -- canonical: a v2 never comes back
    outbox_id    INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    sent_at      TEXT NOT NULL,
    PRIMARY KEY (destination, arxiv_id)
) WITHOUT ROWID;

-- A message, the papers it carried and (for the last one) the push's end are recorded by one
-- statement: never one without the others, and one round trip per message.
CREATE TRIGGER ledger_from_messages AFTER INSERT ON outbox_messages
BEGIN
    INSERT OR IGNORE INTO ledger (destination, arxiv_id, outbox_id, sent_at)
    SELECT NEW.destination, value, NEW.outbox_id, NEW.sent_at FROM json_each(NEW.papers);
    -- Once something went out, what the push holds is fixed: a resume sends the rest of it.
    UPDATE outbox SET papers = coalesce(papers, NEW.choice) WHERE id = NEW.outbox_id AND NEW.choice IS NOT NULL;
END;

CREATE TRIGGER push_sent_with_last_message AFTER INSERT ON outbox_messages WHEN NEW.final = 1
BEGIN
    UPDATE outbox SET status = 'sent', finished_at = NEW.sent_at, lease_owner = NULL, lease_expires_at = NULL
    WHERE id = NEW.outbox_id;
END;

-- Short tokens that inline buttons carry instead of long payloads (a search query); kept for
-- a while so buttons survive restarts, then pruned (a pruned token's button says it expired).
CREATE TABLE ui_state (
    token       TEXT PRIMARY KEY,
    payload     TEXT NOT NULL,
    created_at  TEXT NOT NULL
) WITHOUT ROWID;
