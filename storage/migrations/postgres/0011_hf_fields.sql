-- The PostgreSQL text of ../0011_hf_fields.sql (why is said there).
ALTER TABLE papers ADD COLUMN organization TEXT;
ALTER TABLE papers ADD COLUMN github_stars INTEGER;
ALTER TABLE papers ADD COLUMN num_comments INTEGER;

CREATE TABLE paper_votes (
    paper_id  BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    seen_at   TIMESTAMPTZ NOT NULL,
    votes     INTEGER NOT NULL CHECK (votes >= 0),
    PRIMARY KEY (paper_id, seen_at)
);
CREATE INDEX paper_votes_seen ON paper_votes (seen_at);
