-- The PostgreSQL text of ../0010_feedback.sql (why is said there).
CREATE TABLE opinions (
    destination  TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    arxiv_id     TEXT NOT NULL,
    opinion      TEXT NOT NULL CHECK (opinion IN ('like', 'dislike')),
    updated_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (destination, user_id, arxiv_id)
);

CREATE TABLE saved_papers (
    destination  TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    arxiv_id     TEXT NOT NULL,
    saved_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (destination, user_id, arxiv_id)
);
CREATE INDEX saved_papers_newest ON saved_papers (destination, user_id, saved_at);
