/* problem.h: every problem the gateway answers with, and the ProblemReport.
 *
 * Body: {"code":"0x...","problem":"...","sendValue":"...","details":"..."}
 * in that order (the reference's field order), Content-Type application/json.
 * The table in problem.c is the single source of each problem's status, code
 * and text; code elsewhere names a row (DGCG_P_...) and adds only the
 * sendValue and details of the case. t/check_problem walks the table (rows
 * unique) and t/problems.sh checks that every row is used. */
#ifndef DGCG_PROBLEM_H
#define DGCG_PROBLEM_H

#include <stddef.h>

enum dgcg_prob {
	DGCG_P_NONE = 0,	/* no problem: success */
	/* --- any route (route.c, auth, the request as a whole) --------------- */
	DGCG_P_VALIDATION,	/* 400 0x001 Validation Error */
	DGCG_P_INTERNAL,	/* 500 0x008 Internal Server Error */
	DGCG_P_AUTH_MISSING,	/* 401 0x400 No thumbprint or distinguish name */
	DGCG_P_AUTH_NO_COUNTRY,	/* 400 0x401 Client Certificate must contain country property */
	DGCG_P_AUTH_UNKNOWN,	/* 401 0x402 Client is not authorized to access the service */
	DGCG_P_FORBIDDEN,	/* 403 0x403 Client is not authorized to access the endpoint */
	DGCG_P_NOT_FOUND,	/* 404 0x404 Not Found (unknown path) */
	DGCG_P_METHOD,		/* 405 0x405 Method Not Allowed */
	DGCG_P_NOT_ACCEPTABLE,	/* 406 0x406 Not Acceptable */
	DGCG_P_TOO_LARGE,	/* 413 0x413 Payload Too Large */
	DGCG_P_MEDIA_TYPE,	/* 415 0x415 Unsupported Media Type */
	DGCG_P_UNAVAILABLE,	/* 503 0x503 Service Unavailable (database unreachable) */
	DGCG_P_IMS_FUTURE,	/* 400 "" IfModifiedSince must be in past (revocation list) */
	/* --- a signed request's CMS that does not parse (0x402) -------------- */
	DGCG_P_CMS_BASE64,	/* Invalid Base64 CMS Message */
	DGCG_P_CMS_PARSE,	/* Could not parse CMS Message */
	DGCG_P_CMS_NOT_DATA,	/* CMS Message needs to have binary data as body. */
	DGCG_P_CMS_DETACHED,	/* ... needs to contain the signed payload ... */
	DGCG_P_CMS_NOT_CERT,	/* ... payload needs to be a DER encoded X509 certificate */
	DGCG_P_CMS_NOT_STRING,	/* ... payload needs to be a String */
	DGCG_P_CMS_CERT_COUNT,	/* ... exactly one X509 certificate */
	DGCG_P_CMS_SIGNER_COUNT, /* ... exactly 1 signer information. */
	/* --- signed requests shared by several endpoints --------------------- */
	DGCG_P_CMS_SIGNATURE,	/* 400 0x260 CMS signature is invalid (rules, batches, migration) */
	DGCG_P_UPLOAD_BAD,	/* 400 0x004 Possible reasons: ... (DSC upload, migration) */
	/* --- signer certificates (DSC) --------------------------------------- */
	DGCG_P_DSC_SIGNATURE,	/* 400 0x009 Invalid CMS Signature */
	DGCG_P_DSC_EXISTS,	/* 409 0x002 You cant upload an existing certificate. */
	DGCG_P_DSC_UPLOAD_FAILED, /* 500 0x003 Upload of Signer Certificate failed */
	DGCG_P_DSC_DELETE_BAD,	/* 400 0x007 Possible reasons: ... (delete) */
	DGCG_P_DSC_NOT_FOUND,	/* 404 0x005 The certificate doesn't exists in the database. */
	DGCG_P_DSC_DELETE_FAILED, /* 500 0x006 Delete of Signer Certificate failed */
	/* --- validation rules ------------------------------------------------ */
	DGCG_P_RULE_JSON,	/* 400 0x200 Invalid JSON */
	DGCG_P_RULE_COUNTRY,	/* 403 0x210 Invalid Country sent */
	DGCG_P_RULE_ID_COUNTRY,	/* 403 0x210 Invalid country in ID-String (delete) */
	DGCG_P_RULE_VERSION,	/* 400 0x220 Invalid Version */
	DGCG_P_RULE_UPLOADER,	/* 400 0x230 Invalid Upload Cert */
	DGCG_P_RULE_DELETE_UPLOADER, /* 400 0x230 Invalid Upload certificate (delete) */
	DGCG_P_RULE_TIMESTAMPS,	/* 400 0x240 Invalid Timestamp(s) */
	DGCG_P_RULE_ID,		/* 400 0x250 Invalid RuleID */
	DGCG_P_RULE_ID_STRING,	/* 400 0x250 ID-String is invalid (delete) */
	DGCG_P_RULE_NOT_FOUND,	/* 404 0x270 Validation Rule does not exist */
	DGCG_P_RULE_UNEXPECTED,	/* 500 0x299 Unexpected Error */
	/* --- value sets ------------------------------------------------------ */
	DGCG_P_VALUESET_NOT_FOUND, /* 404 0x100 Valueset not found */
	/* --- signed JSON of revocation batches and trusted references (0x000) */
	DGCG_P_SIGNED_JSON,	/* 400 JSON Could not be parsed */
	DGCG_P_SIGNED_UPLOADER,	/* 403 Invalid Upload Certificate */
	DGCG_P_SIGNED_COUNTRY,	/* 403 Invalid Country sent */
	/* --- revocation batches (the reference's 0x000 codes) ---------------- */
	DGCG_P_BATCH_DATES,	/* 400 Invalid Dates */
	DGCG_P_BATCH_VALUES,	/* 400 Batch has invalid values. */
	DGCG_P_BATCH_UNEXPECTED, /* 500 Unexpected Error */
	DGCG_P_BATCH_DELETE_VALUES, /* 400 Delete Request has invalid values. */
	DGCG_P_BATCH_DELETE_MISSING, /* 404 Batch does not exists. */
	DGCG_P_BATCH_DELETE_GONE, /* 410 Batch is already deleted. */
	DGCG_P_BATCH_MISSING,	/* 404 Batch does not exist. (download) */
	DGCG_P_BATCH_GONE,	/* 410 Batch already deleted. (download) */
	/* --- CMS migration ----------------------------------------------------- */
	DGCG_P_MIG_DSC_MISSING,	/* 409 0x010 Certificate to be updated does not exist. */
	DGCG_P_MIG_DSC_FAILED,	/* 500 0x011 Upload of new Signer Certificate failed */
	DGCG_P_MIG_BATCH_MISSING, /* 409 0x020 RevocationBatch to be updated does not exist. */
	DGCG_P_MIG_BATCH_COUNTRY, /* 400 0x021 Invalid country */
	DGCG_P_MIG_BATCH_PAYLOAD, /* 400 0x022 Json Payload invalid */
	DGCG_P_MIG_RULE_MISSING, /* 409 0x030 ValidationRule to be updated does not exist. */
	DGCG_P_MIG_RULE_COUNTRY, /* 400 0x031 Invalid country */
	DGCG_P_MIG_RULE_PAYLOAD, /* 400 0x032 Json Payload invalid */
	/* --- v2: trusted certificates (TNG's "n/a" codes) ---------------------- */
	DGCG_P_V2_CMS,		/* 400 n/a Invalid CMS */
	DGCG_P_V2_CMS_SIGNATURE, /* 400 n/a Invalid CMS Signature */
	DGCG_P_V2_UPLOAD_FAILED, /* 400 n/a Upload of Signer Certificate failed */
	/* --- v2: trusted references (TNG's 0x000 codes) ------------------------ */
	DGCG_P_REF_VALUES,	/* 400 0x000 Uploaded data has invalid values. */
	DGCG_P_REF_MISSING,	/* 404 0x000 Trusted Reference does not exists. (update, delete) */
	DGCG_P_REF_NOT_FOUND,	/* 400 0x000 Requested Entity could not be found (download) */
	DGCG_P__MAX
};

struct dgcg_prob_info {
	const char	*name;		/* "VALIDATION": the enum name without DGCG_P_ */
	int		 status;
	const char	*code;
	const char	*problem;
};

/* Returns the fixed facts of p. NOTE: an out-of-range p answers with the
 * INTERNAL row, never NULL. */
const struct dgcg_prob_info *dgcg_prob_info(enum dgcg_prob p);

/* Renders a ProblemReport. NULL strings are rendered as "". Returns a
 * malloc'd NUL-terminated JSON text (caller frees); *len gets its length
 * when len is not NULL. Strings are JSON-escaped; invalid UTF-8 is replaced
 * by U+FFFD so the body is always valid JSON. */
char *dgcg_problem_json(const char *code, const char *problem, const char *send_value,
	const char *details, size_t *len);

#endif
