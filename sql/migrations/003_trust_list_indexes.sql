-- 003_trust_list_indexes.sql: If-Modified-Since deltas select trusted
-- parties by created_at; without an index that is a scan of every row
-- (raw data and signatures included) per delta request.

CREATE INDEX IF NOT EXISTS idx_trusted_party_created_at ON trusted_party (created_at);
