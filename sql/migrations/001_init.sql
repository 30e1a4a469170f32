-- 001_init.sql: the reference gateway's schema (reference-gateway.md section 9)
-- for MariaDB 10.11, applied by `dgcg-admin migrate` as the admin user.
--
-- Table names, column names, meanings and unique constraint names follow the
-- reference (dgc-gateway 1.3.24 after all Liquibase changesets), so a
-- reference database can be moved over and onboarded with the reference's
-- INSERT INTO trusted_party (created_at, country, thumbprint, raw_data,
-- signature, certificate_type) statements. Differences, all compatible:
--   * long VARCHARs are TEXT / MEDIUMTEXT (utf8mb4 row-size limit),
--   * secondary indexes for the list queries (the reference had none),
--   * the redundant copies of unique keys the reference declared twice
--     (validation_rule version+rule_id, revocation_batch batch_id) exist once.
-- Collation is utf8mb4_general_ci (case-insensitive) like the reference's
-- MySQL default: an upper-case hex thumbprint still matches. dgcg stores and
-- queries lower-case thumbprints anyway.
--
-- Re-runnable: every statement is CREATE ... IF NOT EXISTS. The migration
-- runner owns schema_version, this file never writes to it.
-- Statements end with a semicolon at the end of a line, and no comment holds one.

CREATE TABLE IF NOT EXISTS schema_version (
  version INT NOT NULL,
  name VARCHAR(200) NOT NULL,
  applied_at DATETIME NOT NULL,
  PRIMARY KEY (version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Onboarded AUTHENTICATION, UPLOAD and CSCA certificates, each signed by
-- the trust anchor (signature = base64 detached CMS over the DER).
CREATE TABLE IF NOT EXISTS trusted_party (
  id BIGINT NOT NULL AUTO_INCREMENT,
  created_at DATETIME NOT NULL,
  country VARCHAR(2) NOT NULL,
  thumbprint VARCHAR(64) NOT NULL,
  raw_data TEXT NOT NULL,
  signature TEXT NOT NULL,
  certificate_type VARCHAR(255) NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT UC_TRUSTED_PARTY_THUMBPRINT UNIQUE (thumbprint),
  KEY idx_trusted_party_type_country (certificate_type, country),
  KEY idx_trusted_party_country (country)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Roles of an AUTHENTICATION certificate: REVOCATION_LIST_READER,
-- REVOCATION_UPLOADER, REVOCATION_DELETER. Not covered by the TA signature.
CREATE TABLE IF NOT EXISTS trusted_party_roles (
  trusted_party_entity_id BIGINT NOT NULL,
  role VARCHAR(22) NOT NULL,
  PRIMARY KEY (trusted_party_entity_id, role),
  CONSTRAINT fk_trusted_party_roles_on_trusted_party_entity
    FOREIGN KEY (trusted_party_entity_id) REFERENCES trusted_party (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Uploaded DSCs. A deleted DSC keeps its row as a tombstone: deleted_at
-- set, signature NULL, purged after 14 days.
CREATE TABLE IF NOT EXISTS signer_information (
  id BIGINT NOT NULL AUTO_INCREMENT,
  created_at DATETIME NOT NULL,
  deleted_at DATETIME NULL,
  country VARCHAR(2) NOT NULL,
  thumbprint VARCHAR(64) NOT NULL,
  raw_data TEXT NOT NULL,
  signature TEXT NULL,
  certificate_type VARCHAR(255) NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT UC_SIGNER_INFORMATION_THUMBPRINT UNIQUE (thumbprint),
  KEY idx_signer_information_country (country),
  KEY idx_signer_information_created_at (created_at),
  KEY idx_signer_information_deleted_at (deleted_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Audit trail. The application user may only INSERT (sql/grants.sql.in).
CREATE TABLE IF NOT EXISTS audit_event (
  id BIGINT NOT NULL AUTO_INCREMENT,
  timestamp DATETIME NOT NULL,
  country VARCHAR(2) NOT NULL,
  uploader_sha256_fingerprint VARCHAR(64) NOT NULL,
  authentication_sha256_fingerprint VARCHAR(64) NOT NULL,
  event VARCHAR(64) NOT NULL,
  description VARCHAR(64) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Value sets, stored verbatim (the reference allowed 1,024,000 characters).
CREATE TABLE IF NOT EXISTS valueset (
  id VARCHAR(100) NOT NULL,
  json MEDIUMTEXT NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Validation rules. signature holds the uploaded base64 CMS unchanged.
CREATE TABLE IF NOT EXISTS validation_rule (
  id BIGINT NOT NULL AUTO_INCREMENT,
  created_at DATETIME NOT NULL,
  rule_id VARCHAR(100) NOT NULL,
  signature MEDIUMTEXT NOT NULL,
  valid_from DATETIME NOT NULL,
  valid_to DATETIME NOT NULL,
  version VARCHAR(30) NOT NULL,
  country VARCHAR(2) NOT NULL,
  type VARCHAR(255) NOT NULL,
  PRIMARY KEY (id),
  CONSTRAINT uc_16f88905e309ddbd1fb7b128d UNIQUE (version, rule_id),
  KEY idx_validation_rule_country_rule_id (country, rule_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Revocation batches. signed_batch is the uploaded base64 CMS, NULL once
-- the batch is deleted.
CREATE TABLE IF NOT EXISTS revocation_batch (
  id BIGINT NOT NULL AUTO_INCREMENT,
  batch_id VARCHAR(36) NOT NULL,
  country VARCHAR(2) NOT NULL,
  changed DATETIME NOT NULL,
  expires DATETIME NOT NULL,
  deleted BOOLEAN NOT NULL,
  type VARCHAR(255) NOT NULL,
  kid VARCHAR(12) NULL,
  signed_batch MEDIUMTEXT NULL,
  PRIMARY KEY (id),
  CONSTRAINT uc_revocation_batch_batchid UNIQUE (batch_id),
  KEY idx_revocation_batch_changed (changed),
  KEY idx_revocation_batch_country (country)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- Trusted issuers (inserted by operators with SQL, like the reference).
CREATE TABLE IF NOT EXISTS trusted_issuer (
  id BIGINT NOT NULL AUTO_INCREMENT,
  version INT NOT NULL DEFAULT 1,
  country VARCHAR(2) NOT NULL,
  created_at DATETIME NOT NULL,
  key_storage_type VARCHAR(128) NULL,
  name VARCHAR(512) NOT NULL,
  signature TEXT NOT NULL,
  ssl_public_key VARCHAR(2048) NULL,
  thumbprint VARCHAR(64) NULL,
  url VARCHAR(1024) NOT NULL,
  url_type VARCHAR(25) NOT NULL,
  uuid VARCHAR(36) NULL,
  domain VARCHAR(10) NULL DEFAULT 'DCC',
  PRIMARY KEY (id),
  CONSTRAINT uc_trusted_issuer_uuid UNIQUE (uuid),
  KEY idx_trusted_issuer_country (country)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

-- ShedLock: one row per scheduled job, so only one node runs it.
CREATE TABLE IF NOT EXISTS shedlock (
  name VARCHAR(64) NOT NULL,
  lock_until DATETIME(2) NOT NULL,
  locked_at DATETIME(2) NOT NULL,
  locked_by VARCHAR(255) NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
