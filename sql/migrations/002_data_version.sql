-- 002_data_version.sql: a change counter per table, bumped by triggers.
--
-- Workers cache what they derive from these tables (verified trust lists,
-- rule lists) and read data_version on every request: any change, whether
-- made through the API or directly with SQL by an operator, bumps the
-- counter in the same transaction and is seen by the very next request.
-- The triggers run as their definer (the admin user), so the application
-- user needs only SELECT on data_version. With binary logging on, creating
-- triggers needs log_bin_trust_function_creators=1 or SUPER.

CREATE TABLE IF NOT EXISTS data_version (
  name VARCHAR(64) NOT NULL,
  version BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;

INSERT IGNORE INTO data_version (name, version) VALUES ('trusted_party', 0), ('trusted_party_roles', 0), ('signer_information', 0), ('validation_rule', 0), ('valueset', 0), ('revocation_batch', 0), ('trusted_issuer', 0);

DROP TRIGGER IF EXISTS trg_trusted_party_ai;
CREATE TRIGGER trg_trusted_party_ai AFTER INSERT ON trusted_party FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'trusted_party';
DROP TRIGGER IF EXISTS trg_trusted_party_au;
CREATE TRIGGER trg_trusted_party_au AFTER UPDATE ON trusted_party FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'trusted_party';
DROP TRIGGER IF EXISTS trg_trusted_party_ad;
CREATE TRIGGER trg_trusted_party_ad AFTER DELETE ON trusted_party FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'trusted_party';

DROP TRIGGER IF EXISTS trg_trusted_party_roles_ai;
CREATE TRIGGER trg_trusted_party_roles_ai AFTER INSERT ON trusted_party_roles FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'trusted_party_roles';
DROP TRIGGER IF EXISTS trg_trusted_party_roles_au;
CREATE TRIGGER trg_trusted_party_roles_au AFTER UPDATE ON trusted_party_roles FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'trusted_party_roles';
DROP TRIGGER IF EXISTS trg_trusted_party_roles_ad;
CREATE TRIGGER trg_trusted_party_roles_ad AFTER DELETE ON trusted_party_roles FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'trusted_party_roles';

DROP TRIGGER IF EXISTS trg_signer_information_ai;
CREATE TRIGGER trg_signer_information_ai AFTER INSERT ON signer_information FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'signer_information';
DROP TRIGGER IF EXISTS trg_signer_information_au;
CREATE TRIGGER trg_signer_information_au AFTER UPDATE ON signer_information FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'signer_information';
DROP TRIGGER IF EXISTS trg_signer_information_ad;
CREATE TRIGGER trg_signer_information_ad AFTER DELETE ON signer_information FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'signer_information';

DROP TRIGGER IF EXISTS trg_validation_rule_ai;
CREATE TRIGGER trg_validation_rule_ai AFTER INSERT ON validation_rule FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'validation_rule';
DROP TRIGGER IF EXISTS trg_validation_rule_au;
CREATE TRIGGER trg_validation_rule_au AFTER UPDATE ON validation_rule FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'validation_rule';
DROP TRIGGER IF EXISTS trg_validation_rule_ad;
CREATE TRIGGER trg_validation_rule_ad AFTER DELETE ON validation_rule FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'validation_rule';

DROP TRIGGER IF EXISTS trg_valueset_ai;
CREATE TRIGGER trg_valueset_ai AFTER INSERT ON valueset FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'valueset';
DROP TRIGGER IF EXISTS trg_valueset_au;
CREATE TRIGGER trg_valueset_au AFTER UPDATE ON valueset FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'valueset';
DROP TRIGGER IF EXISTS trg_valueset_ad;
CREATE TRIGGER trg_valueset_ad AFTER DELETE ON valueset FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'valueset';

DROP TRIGGER IF EXISTS trg_revocation_batch_ai;
CREATE TRIGGER trg_revocation_batch_ai AFTER INSERT ON revocation_batch FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'revocation_batch';
DROP TRIGGER IF EXISTS trg_revocation_batch_au;
CREATE TRIGGER trg_revocation_batch_au AFTER UPDATE ON revocation_batch FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'revocation_batch';
DROP TRIGGER IF EXISTS trg_revocation_batch_ad;
CREATE TRIGGER trg_revocation_batch_ad AFTER DELETE ON revocation_batch FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'revocation_batch';

DROP TRIGGER IF EXISTS trg_trusted_issuer_ai;
CREATE TRIGGER trg_trusted_issuer_ai AFTER INSERT ON trusted_issuer FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'trusted_issuer';
DROP TRIGGER IF EXISTS trg_trusted_issuer_au;
CREATE TRIGGER trg_trusted_issuer_au AFTER UPDATE ON trusted_issuer FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'trusted_issuer';
DROP TRIGGER IF EXISTS trg_trusted_issuer_ad;
CREATE TRIGGER trg_trusted_issuer_ad AFTER DELETE ON trusted_issuer FOR EACH ROW UPDATE data_version SET version = version + 1 WHERE name = 'trusted_issuer';
