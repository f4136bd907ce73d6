-- Related papers (bot/related.py): each paper's kept terms as a vector (JSON [[term, weight,
-- display], ...]), the same terms as postings by term (what a question reads: a range of the key),
-- how many papers hold each term in their text (document frequencies: the IDF is applied when
-- asked, so it never goes stale) and how many papers are indexed. Papers stored before this step
-- are indexed by the store when it opens (index_related), not here: that needs the tokeniser.
CREATE TABLE related_docs (
    paper_id  INTEGER PRIMARY KEY REFERENCES papers (id) ON DELETE CASCADE,
    vector    TEXT NOT NULL
);
-- Without rowid: the table is its key, so a term's postings (and weights) lie side by side.
CREATE TABLE related_terms (
    term      TEXT NOT NULL,
    paper_id  INTEGER NOT NULL,
    weight    INTEGER NOT NULL,
    PRIMARY KEY (term, paper_id)
) WITHOUT ROWID;
CREATE TABLE related_df (
    term      TEXT NOT NULL PRIMARY KEY,
    papers    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE related_corpus (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    papers    INTEGER NOT NULL
);
