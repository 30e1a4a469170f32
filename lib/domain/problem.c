/* problem.c: the problem table and the ProblemReport JSON body. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "domain/problem.h"
#include "base/utf8.h"
#include "base/xmalloc.h"

#define BAD_UPLOAD "Possible reasons: Wrong Format, no CMS, not the correct signing alg " \
	"missing attributes, invalid signature, certificate not signed by known CA"
#define ROW(n, s, c, t) [DGCG_P_##n] = { #n, s, c, t }

/* The single source of every problem's status, code and text. The texts
 * are the reference's, byte for byte, where it has the problem. */
static const struct dgcg_prob_info probs[DGCG_P__MAX] = {
	ROW(NONE, 200, "", ""),
	ROW(VALIDATION, 400, "0x001", "Validation Error"),
	ROW(INTERNAL, 500, "0x008", "Internal Server Error"),
	ROW(AUTH_MISSING, 401, "0x400", "No thumbprint or distinguish name"),
	ROW(AUTH_NO_COUNTRY, 400, "0x401", "Client Certificate must contain country property"),
	ROW(AUTH_UNKNOWN, 401, "0x402", "Client is not authorized to access the service"),
	ROW(FORBIDDEN, 403, "0x403", "Client is not authorized to access the endpoint"),
	ROW(NOT_FOUND, 404, "0x404", "Not Found"),
	ROW(METHOD, 405, "0x405", "Method Not Allowed"),
	ROW(NOT_ACCEPTABLE, 406, "0x406", "Not Acceptable"),
	ROW(TOO_LARGE, 413, "0x413", "Payload Too Large"),
	ROW(MEDIA_TYPE, 415, "0x415", "Unsupported Media Type"),
	ROW(UNAVAILABLE, 503, "0x503", "Service Unavailable"),
	ROW(IMS_FUTURE, 400, "", "IfModifiedSince must be in past"),

	ROW(CMS_BASE64, 400, "0x402", "Invalid Base64 CMS Message"),
	ROW(CMS_PARSE, 400, "0x402", "Could not parse CMS Message"),
	ROW(CMS_NOT_DATA, 400, "0x402", "CMS Message needs to have binary data as body."),
	ROW(CMS_DETACHED, 400, "0x402", "CMS Message needs to contain the signed payload "
	    "(attached, e.g. openssl cms -sign -nodetach)"),
	ROW(CMS_NOT_CERT, 400, "0x402",
	    "CMS Message payload needs to be a DER encoded X509 certificate"),
	ROW(CMS_NOT_STRING, 400, "0x402", "CMS Message payload needs to be a String"),
	ROW(CMS_CERT_COUNT, 400, "0x402",
	    "CMS Message needs to contain exactly one X509 certificate"),
	ROW(CMS_SIGNER_COUNT, 400, "0x402",
	    "CMS Message needs to have exactly 1 signer information."),
	ROW(CMS_SIGNATURE, 400, "0x260", "CMS signature is invalid"),
	ROW(UPLOAD_BAD, 400, "0x004", BAD_UPLOAD),

	ROW(DSC_SIGNATURE, 400, "0x009", "Invalid CMS Signature"),
	ROW(DSC_EXISTS, 409, "0x002", "You cant upload an existing certificate."),
	ROW(DSC_UPLOAD_FAILED, 500, "0x003", "Upload of Signer Certificate failed"),
	ROW(DSC_DELETE_BAD, 400, "0x007", BAD_UPLOAD),
	ROW(DSC_NOT_FOUND, 404, "0x005", "The certificate doesn't exists in the database."),
	ROW(DSC_DELETE_FAILED, 500, "0x006", "Delete of Signer Certificate failed"),

	ROW(RULE_JSON, 400, "0x200", "Invalid JSON"),
	ROW(RULE_COUNTRY, 403, "0x210", "Invalid Country sent"),
	ROW(RULE_ID_COUNTRY, 403, "0x210", "Invalid country in ID-String"),
	ROW(RULE_VERSION, 400, "0x220", "Invalid Version"),
	ROW(RULE_UPLOADER, 400, "0x230", "Invalid Upload Cert"),
	ROW(RULE_DELETE_UPLOADER, 400, "0x230", "Invalid Upload certificate"),
	ROW(RULE_TIMESTAMPS, 400, "0x240", "Invalid Timestamp(s)"),
	ROW(RULE_ID, 400, "0x250", "Invalid RuleID"),
	ROW(RULE_ID_STRING, 400, "0x250", "ID-String is invalid"),
	ROW(RULE_NOT_FOUND, 404, "0x270", "Validation Rule does not exist"),
	ROW(RULE_UNEXPECTED, 500, "0x299", "Unexpected Error"),

	ROW(VALUESET_NOT_FOUND, 404, "0x100", "Valueset not found"),

	ROW(SIGNED_JSON, 400, "0x000", "JSON Could not be parsed"),
	ROW(SIGNED_UPLOADER, 403, "0x000", "Invalid Upload Certificate"),
	ROW(SIGNED_COUNTRY, 403, "0x000", "Invalid Country sent"),
	ROW(BATCH_DATES, 400, "0x000", "Invalid Dates"),
	ROW(BATCH_VALUES, 400, "0x000", "Batch has invalid values."),
	ROW(BATCH_UNEXPECTED, 500, "0x000", "Unexpected Error"),
	ROW(BATCH_DELETE_VALUES, 400, "0x000", "Delete Request has invalid values."),
	ROW(BATCH_DELETE_MISSING, 404, "0x000", "Batch does not exists."),
	ROW(BATCH_DELETE_GONE, 410, "0x000", "Batch is already deleted."),
	ROW(BATCH_MISSING, 404, "0x000", "Batch does not exist."),
	ROW(BATCH_GONE, 410, "0x000", "Batch already deleted."),

	ROW(MIG_DSC_MISSING, 409, "0x010", "Certificate to be updated does not exist."),
	ROW(MIG_DSC_FAILED, 500, "0x011", "Upload of new Signer Certificate failed"),
	ROW(MIG_BATCH_MISSING, 409, "0x020", "RevocationBatch to be updated does not exist."),
	ROW(MIG_BATCH_COUNTRY, 400, "0x021", "Invalid country"),
	ROW(MIG_BATCH_PAYLOAD, 400, "0x022", "Json Payload invalid"),
	ROW(MIG_RULE_MISSING, 409, "0x030", "ValidationRule to be updated does not exist."),
	ROW(MIG_RULE_COUNTRY, 400, "0x031", "Invalid country"),
	ROW(MIG_RULE_PAYLOAD, 400, "0x032", "Json Payload invalid"),

	/* TNG's texts and its code "n/a" (tng-gateway.md 4.2). */
	ROW(V2_CMS, 400, "n/a", "Invalid CMS"),
	ROW(V2_CMS_SIGNATURE, 400, "n/a", "Invalid CMS Signature"),
	ROW(V2_UPLOAD_FAILED, 400, "n/a", "Upload of Signer Certificate failed"),

	ROW(REF_VALUES, 400, "0x000", "Uploaded data has invalid values."),
	ROW(REF_MISSING, 404, "0x000", "Trusted Reference does not exists."),
	ROW(REF_NOT_FOUND, 400, "0x000", "Requested Entity could not be found"),
};

const struct dgcg_prob_info *
dgcg_prob_info(enum dgcg_prob p)
{
	if ((unsigned)p >= DGCG_P__MAX || probs[p].name == NULL)
		return &probs[DGCG_P_INTERNAL];
	return &probs[p];
}

/*
 * Appends "key":"value" to out at *o. Each input byte becomes at most six
 * output bytes (\u00XX); an invalid UTF-8 byte becomes U+FFFD (3 bytes).
 */
static void
put_string(char *out, size_t *o, const char *key, const char *v, int first)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)(v != NULL ? v : "");
	size_t n = strlen((const char *)s), i, u, kl = strlen(key);
	char *p = out + *o;

	if (!first)
		*p++ = ',';
	*p++ = '"';
	memcpy(p, key, kl);
	p += kl;
	*p++ = '"';
	*p++ = ':';
	*p++ = '"';
	for (i = 0; i < n; i += u) {
		u = 1;
		switch (s[i]) {
		case '"':
		case '\\':
			*p++ = '\\';
			*p++ = (char)s[i];
			continue;
		case '\b':
			*p++ = '\\';
			*p++ = 'b';
			continue;
		case '\f':
			*p++ = '\\';
			*p++ = 'f';
			continue;
		case '\n':
			*p++ = '\\';
			*p++ = 'n';
			continue;
		case '\r':
			*p++ = '\\';
			*p++ = 'r';
			continue;
		case '\t':
			*p++ = '\\';
			*p++ = 't';
			continue;
		default:
			break;
		}
		if (s[i] < 0x20 || s[i] == 0x7f) {
			memcpy(p, "\\u00", 4);
			p[4] = hex[s[i] >> 4];
			p[5] = hex[s[i] & 0x0f];
			p += 6;
		} else if (s[i] < 0x80)
			*p++ = (char)s[i];
		else if ((u = dgcg_utf8_seq(s + i, n - i)) != 0) {
			memcpy(p, s + i, u);
			p += u;
		} else {
			u = 1;
			memcpy(p, "\xef\xbf\xbd", 3);
			p += 3;
		}
	}
	*p++ = '"';
	*o = (size_t)(p - out);
}

/*
 * NOTE: the fields are written in the reference's order: code, problem,
 * sendValue, details. The output is plain JSON on one line; '/' is not
 * escaped. The caller frees the result. NULL is returned only when the
 * lengths would overflow size_t, which no real string can reach.
 */
char *
dgcg_problem_json(const char *code, const char *problem, const char *send_value,
    const char *details, size_t *len)
{
	const char *v[4] = { code, problem, send_value, details };
	static const char *const k[4] = { "code", "problem", "sendValue", "details" };
	size_t cap = 3, o = 0, n, i;
	char *out;

	/* worst case: 6 output bytes per input byte, plus keys and punctuation */
	for (i = 0; i < 4; i++) {
		n = v[i] != NULL ? strlen(v[i]) : 0;
		if (n > (SIZE_MAX - cap) / 6 - 32)
			return NULL;
		cap += 6 * n + strlen(k[i]) + 8;
	}
	out = xmalloc(cap);
	out[o++] = '{';
	for (i = 0; i < 4; i++)
		put_string(out, &o, k[i], v[i], i == 0);
	out[o++] = '}';
	out[o] = '\0';
	if (len != NULL)
		*len = o;
	return out;
}
