"""The PostgreSQL text of each numbered step in storage/migrations/, under the same number and name;
a `schema_version` table records the steps applied."""
