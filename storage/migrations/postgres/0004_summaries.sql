-- The PostgreSQL text of ../0004_summaries.sql (why is said there).
ALTER TABLE papers RENAME COLUMN sections TO summaries;
UPDATE papers
   SET summaries = jsonb_build_array(jsonb_build_object(
       'language', CASE WHEN summaries::text ~ '[가-힣]' THEN 'ko' ELSE 'en' END,
       'source', 'archive',
       'sections', summaries))
 WHERE summaries <> '[]'::jsonb;

CREATE TABLE summary_failures (
    paper_id        BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    language        TEXT NOT NULL,
    prompt_version  TEXT NOT NULL,
    reason          TEXT NOT NULL,
    failed_at       TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (paper_id, language)
);
