-- 005_v2.sql: what the v2 interface of the Trust Network Gateway needs
-- (tng-gateway.md section 9), beside every v1 table and column as it is, so
-- that a dgcg (or reference) database moves over by `dgcg-admin migrate`.
--
-- Names are TNG's: the columns domain, uuid, version, kid, properties,
-- source_gateway_id and assigned_gateway, the tables federation_gateway and
-- trusted_reference, TNG's unique-key and foreign-key names where it has
-- them. Existing rows get domain 'DCC', version 1 and NULL for the rest,
-- as under TNG's Liquibase. DGCG's deleted_at (v1 tombstones) stays.
-- Differences from TNG, all additive:
--   * kid columns compare as bytes (utf8mb4_bin): a base64 kid is
--     case-sensitive, and under the database's case-insensitive collation
--     two kids differing in case only would collide in the unique key,
--   * trusted_reference keeps the upload CMS (signature) and tombstones
--     (deleted_at, changed_at), which TNG does not (doc/api.txt, v2),
--   * trusted_issuer.domain grows to TNG's 32 characters.
-- Re-runnable: IF NOT EXISTS everywhere. Statements end with a semicolon at
-- the end of a line, and no comment holds one.

-- Peer gateways (federation). Operators insert them with SQL, as in TNG,
-- signature is the trust anchor's CMS over the row's identifying fields.
CREATE TABLE IF NOT EXISTS federation_gateway (
  id BIGINT NOT NULL AUTO_INCREMENT,
  timestamp DATETIME NOT NULL,
  download_interval BIGINT NULL,
  download_target VARCHAR(12) NOT NULL,
  downloader_implementation VARCHAR(50) NULL,
  gateway_endpoint VARCHAR(200) NOT NULL,
  gateway_id VARCHAR(36) NOT NULL,
  gateway_kid VARCHAR(50) NOT NULL,
  gateway_public_key VARCHAR(200) NULL,
  last_download DATETIME NULL,
  last_successful_download DATETIME NULL,
  mode VARCHAR(8) NOT NULL,
  retry_count BIGINT NULL,
  signature TEXT NOT NULL,
  status_message VARCHAR(500) NULL,
  PRIMARY KEY (id),
  CONSTRAINT UK_federation_gateway_gateway_id UNIQUE (gateway_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Trusted parties: groups AUTHENTICATION, AUTHENTICATION_FEDERATION, UPLOAD,
-- CSCA, TRUSTANCHOR, DECA, a domain, federated rows (source_gateway_id),
-- a peer's trust anchors and TLS pins (assigned_gateway).
ALTER TABLE trusted_party
  ADD COLUMN IF NOT EXISTS domain VARCHAR(32) NULL DEFAULT 'DCC',
  ADD COLUMN IF NOT EXISTS uuid VARCHAR(36) NULL,
  ADD COLUMN IF NOT EXISTS version INT NOT NULL DEFAULT 1,
  ADD COLUMN IF NOT EXISTS kid VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  ADD COLUMN IF NOT EXISTS source_gateway_id VARCHAR(36) NULL,
  ADD COLUMN IF NOT EXISTS assigned_gateway VARCHAR(36) NULL;
ALTER TABLE trusted_party
  ADD CONSTRAINT UK_k59nbvrmqgbyvo3q1rmnudewb UNIQUE IF NOT EXISTS (uuid),
  ADD CONSTRAINT UK_b8ovwx0mdpsj50cl9oln8jdve UNIQUE IF NOT EXISTS (kid);
ALTER TABLE trusted_party
  ADD CONSTRAINT FKgwfi9msn2kybkbpxrymhf3wms FOREIGN KEY IF NOT EXISTS (source_gateway_id)
    REFERENCES federation_gateway (gateway_id) ON DELETE RESTRICT ON UPDATE RESTRICT,
  ADD CONSTRAINT FKpawxkdbqxyxl51qw2a2l8wd2c FOREIGN KEY IF NOT EXISTS (assigned_gateway)
    REFERENCES federation_gateway (gateway_id) ON DELETE RESTRICT ON UPDATE RESTRICT;

-- Signer certificates: groups DSC, DESC and (dgcg keeps them as uploaded)
-- SIGN, AUTH, CUSTOM, a domain, a custom kid, properties (one JSON object)
-- and federated rows.
ALTER TABLE signer_information
  ADD COLUMN IF NOT EXISTS domain VARCHAR(32) NULL DEFAULT 'DCC',
  ADD COLUMN IF NOT EXISTS uuid VARCHAR(36) NULL,
  ADD COLUMN IF NOT EXISTS version INT NOT NULL DEFAULT 1,
  ADD COLUMN IF NOT EXISTS kid VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
  ADD COLUMN IF NOT EXISTS properties VARCHAR(2000) NULL,
  ADD COLUMN IF NOT EXISTS source_gateway_id VARCHAR(36) NULL;
ALTER TABLE signer_information
  ADD CONSTRAINT UK_dkiieky9nvg714nn3kj1fpgpn UNIQUE IF NOT EXISTS (uuid),
  ADD CONSTRAINT UK_ql47ita1s6v80p60627xmlkga UNIQUE IF NOT EXISTS (kid);
ALTER TABLE signer_information
  ADD CONSTRAINT FKab9ogbpyd4bhtidg0tepy18lm FOREIGN KEY IF NOT EXISTS (source_gateway_id)
    REFERENCES federation_gateway (gateway_id) ON DELETE RESTRICT ON UPDATE RESTRICT;

-- Trusted issuers: TNG's domain length and federated rows.
ALTER TABLE trusted_issuer
  MODIFY COLUMN domain VARCHAR(32) NULL DEFAULT 'DCC',
  ADD COLUMN IF NOT EXISTS source_gateway_id VARCHAR(36) NULL;
ALTER TABLE trusted_issuer
  ADD CONSTRAINT FK595orxmuxrhxvokxt45u7ykc6 FOREIGN KEY IF NOT EXISTS (source_gateway_id)
    REFERENCES federation_gateway (gateway_id) ON DELETE RESTRICT ON UPDATE RESTRICT;

-- Trusted references (TNG's columns), with the upload CMS kept in signature
-- and deletes kept as tombstones (deleted_at set, signature NULL) for
-- If-Modified-Since deltas, changed_at is the time of the last update or
-- delete. dgcg-admin purge removes old tombstones.
CREATE TABLE IF NOT EXISTS trusted_reference (
  id BIGINT NOT NULL AUTO_INCREMENT,
  domain VARCHAR(32) NULL DEFAULT 'DCC',
  uuid VARCHAR(36) NULL,
  version INT NOT NULL DEFAULT 1,
  content_type VARCHAR(512) NOT NULL,
  country VARCHAR(2) NOT NULL,
  created_at DATETIME NOT NULL,
  name VARCHAR(512) NOT NULL,
  reference_version VARCHAR(256) NOT NULL,
  service VARCHAR(1024) NOT NULL,
  signature_type VARCHAR(25) NOT NULL,
  ssl_public_key VARCHAR(2048) NULL,
  thumbprint VARCHAR(64) NULL,
  reference_type VARCHAR(25) NOT NULL,
  source_gateway_id VARCHAR(36) NULL,
  url VARCHAR(100) NOT NULL,
  signature MEDIUMTEXT NULL,
  deleted_at DATETIME NULL,
  changed_at DATETIME NULL,
  PRIMARY KEY (id),
  CONSTRAINT UK_trusted_reference_uuid UNIQUE (uuid),
  KEY idx_trusted_reference_country (country),
  CONSTRAINT FKcgxpic2j8e7wmwtylbns42yo4 FOREIGN KEY (source_gateway_id)
    REFERENCES federation_gateway (gateway_id) ON DELETE RESTRICT ON UPDATE RESTRICT
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Change counters (002_data_version.sql) for the new table: the worker
-- caches rendered reference lists.
INSERT IGNORE INTO data_version (name, version) VALUES ('trusted_reference', 0);
DROP TRIGGER IF EXISTS trg_trusted_reference_ai;
CREATE TRIGGER trg_trusted_reference_ai AFTER INSERT ON trusted_reference FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'trusted_reference';
DROP TRIGGER IF EXISTS trg_trusted_reference_au;
CREATE TRIGGER trg_trusted_reference_au AFTER UPDATE ON trusted_reference FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'trusted_reference';
DROP TRIGGER IF EXISTS trg_trusted_reference_ad;
CREATE TRIGGER trg_trusted_reference_ad AFTER DELETE ON trusted_reference FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'trusted_reference';
