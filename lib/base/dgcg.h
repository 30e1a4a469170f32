/* dgcg.h: the error enum, named limits and constants every module shares. */
#ifndef DGCG_H
#define DGCG_H

#include <stddef.h>

/* One error type for the whole library. Functions return it, or a pointer
 * with NULL meaning failure. */
enum dgcg_err {
	DGCG_OK = 0,
	DGCG_ERR_NOMEM,		/* allocation failed */
	DGCG_ERR_INVAL,		/* caller passed something malformed */
	DGCG_ERR_PARSE,		/* input did not parse */
	DGCG_ERR_VERIFY,	/* a signature or integrity check failed */
	DGCG_ERR_NOTFOUND,	/* no such row or object */
	DGCG_ERR_CONFLICT,	/* the row exists already */
	DGCG_ERR_DB,		/* database error (connection, statement) */
	DGCG_ERR_IO,		/* file or socket error */
	DGCG_ERR_CONFIG,	/* configuration error */
	DGCG_ERR_LIMIT,		/* input larger than a named limit */
	DGCG_ERR_POLICY,	/* well-formed, but refused by policy (SecReq-042) */
	DGCG_ERR__MAX
};

/* Returns a static, human-readable text for err. Never NULL. */
const char *dgcg_strerror(enum dgcg_err err);

/* Named limits. */
#define DGCG_THUMB_HEX_LEN	64	/* lower-case hex SHA-256 */
#define DGCG_KID_LEN		12	/* base64 of 8 bytes, with '=' */
#define DGCG_COUNTRY_MAX	16	/* country value from a DN (not validated, as the reference) */
#define DGCG_DN_MAX		4096	/* X-SSL-Client-DN header, before decoding */
#define DGCG_HEADER_MAX		8192	/* X-SSL-Client-SHA256 header (others: nginx's buffers) */
#define DGCG_PATH_MAX		2048	/* request path */
#define DGCG_BODY_MAX_DEFAULT	(1024 * 1024)
#define DGCG_CERT_DER_MAX	(64 * 1024)
#define DGCG_TRACE_MAX		64

/* certificate_type values of trusted_party / signer_information. */
enum dgcg_cert_type {
	DGCG_CT_AUTHENTICATION = 0,
	DGCG_CT_UPLOAD,
	DGCG_CT_CSCA,
	DGCG_CT_DSC,
	DGCG_CT__MAX
};

/* Returns the upper-case name of t ("AUTHENTICATION", ...), or NULL. */
const char *dgcg_cert_type_name(enum dgcg_cert_type t);
/* Parses a type name case-insensitively; returns DGCG_CT__MAX when unknown. */
enum dgcg_cert_type dgcg_cert_type_parse(const char *s);

/* The groups of the v2 interface (tng-gateway.md 2.1): the certificate_type
 * values of both tables. The first four are the v1 types above; trusted
 * parties are AUTHENTICATION .. DECA, signer rows DSC .. CUSTOM. dgcg keeps
 * SIGN, AUTH and CUSTOM as uploaded (TNG stores them as DSC). */
enum dgcg_group {
	DGCG_G_AUTHENTICATION = 0,
	DGCG_G_UPLOAD,
	DGCG_G_CSCA,
	DGCG_G_AUTHENTICATION_FEDERATION,
	DGCG_G_TRUSTANCHOR,
	DGCG_G_DECA,
	DGCG_G_DSC,
	DGCG_G_DESC,
	DGCG_G_SIGN,
	DGCG_G_AUTH,
	DGCG_G_CUSTOM,
	DGCG_G__MAX
};

/* The name of g ("DECA", ...), or NULL. */
const char *dgcg_group_name(enum dgcg_group g);
/* A group name, matched exactly (case-sensitive, as TNG matches client
 * input); DGCG_G__MAX when unknown. */
enum dgcg_group dgcg_group_parse(const char *s);
/* The same, case-insensitively (stored certificate_type values). */
enum dgcg_group dgcg_group_parse_ci(const char *s);
/* 1 for the groups of trusted_party rows (AUTHENTICATION .. DECA). */
int dgcg_group_is_party(enum dgcg_group g);
/* 1 for the groups of signer_information rows (DSC .. CUSTOM). */
int dgcg_group_is_signer(enum dgcg_group g);

/* Domains (tng-gateway.md 2.2): the column's length and the v1 domain. */
#define DGCG_DOMAIN_MAX		32
#define DGCG_DOMAIN_DCC		"DCC"
/* A custom kid of a v2 upload (signer_information.kid VARCHAR(20)). */
#define DGCG_CUSTOM_KID_MAX	20

#endif
