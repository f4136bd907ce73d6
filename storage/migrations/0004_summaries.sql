-- Summaries per language: a paper's `sections` (the archive's, always one language) become a list of
-- summaries, each {language, source, sections, and for the writer's: model, prompt_version, created_at,
-- tokens_in, tokens_out, verified}. The archive is Korean but for a few English entries, told apart by
-- their script. The search index already holds these texts, so it needs no rebuild.
ALTER TABLE papers RENAME COLUMN sections TO summaries;
UPDATE papers
   SET summaries = json_array(json_object(
       'language', CASE WHEN summaries GLOB '*[가-힣]*' THEN 'ko' ELSE 'en' END,
       'source', 'archive',
       'sections', json(summaries)))
 WHERE summaries <> '[]';

-- The writer's last failure per paper and language (cleared when a summary is written), for
-- `paperboy stats` and the next run.
CREATE TABLE summary_failures (
    paper_id        INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
    language        TEXT NOT NULL,
    prompt_version  TEXT NOT NULL,
    reason          TEXT NOT NULL,
    failed_at       TEXT NOT NULL,
    PRIMARY KEY (paper_id, language)
) WITHOUT ROWID;
