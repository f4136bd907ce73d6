-- A destination may read its summaries in a language of its own (any code: ja, de, pt-br), apart from the
-- interface language (en or ko); NULL: the same as `language`.
ALTER TABLE subscriptions ADD COLUMN summary_language TEXT;
