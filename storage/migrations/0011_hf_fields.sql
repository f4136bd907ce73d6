-- The Hugging Face fields Paperboy used to drop (issue 15): the organization a paper was submitted
-- under (its display name), its repository's stars and its page's comments; NULL: unknown, not zero.
-- paper_votes is the vote history trending reads: one row per paper and moment its count was seen to
-- change (a round that finds the same count writes nothing), so a paper adds at most one row per
-- ingest round while its votes move. Rows older than VOTE_HISTORY_DAYS (storage/records.py) are
-- pruned as new ones come in, which bounds the table to about rounds x moving papers of that span.
ALTER TABLE papers ADD COLUMN organization TEXT;
ALTER TABLE papers ADD COLUMN github_stars INTEGER;
ALTER TABLE papers ADD COLUMN num_comments INTEGER;

CREATE TABLE paper_votes (
    paper_id  INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    seen_at   TEXT NOT NULL,                     -- UTC, sortable text (as every time in this file)
    votes     INTEGER NOT NULL CHECK (votes >= 0),
    PRIMARY KEY (paper_id, seen_at)
);
CREATE INDEX paper_votes_seen ON paper_votes (seen_at);
