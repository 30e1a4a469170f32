-- 004_validation_rule_id_index.sql: rule uploads (latest version of an id)
-- and deletes select validation_rule rows by rule_id; the reference's unique
-- key starts with version. Without this index a DELETE scans and locks every
-- row, so concurrent uploads of other rules deadlock with it (seen in the
-- soak test: 500 0x299 on "Deadlock found when trying to get lock").

CREATE INDEX IF NOT EXISTS idx_validation_rule_rule_id ON validation_rule (rule_id);
