-- What members said about papers in a destination (issue 14): a 👍 or 👎 per member, paper and
-- destination (a later press replaces it; taking it back deletes the row), and each member's saved
-- papers there (their reading list). Destinations are keyed as the ledger keys them
-- (platform:chat[:thread]) and papers by canonical arXiv id, so a paper re-listed later keeps both.
CREATE TABLE opinions (
    destination  TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    arxiv_id     TEXT NOT NULL,
    opinion      TEXT NOT NULL CHECK (opinion IN ('like', 'dislike')),
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (destination, user_id, arxiv_id)
) WITHOUT ROWID;

CREATE TABLE saved_papers (
    destination  TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    arxiv_id     TEXT NOT NULL,
    saved_at     TEXT NOT NULL,
    PRIMARY KEY (destination, user_id, arxiv_id)
) WITHOUT ROWID;
-- A member's reading list, newest first.
CREATE INDEX saved_papers_newest ON saved_papers (destination, user_id, saved_at);
