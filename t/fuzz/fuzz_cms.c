/* fuzz_cms.c: what an upload does with a CMS before it asks the database
 * (lib/domain/signed.c): parse, verify, and the
 * certificate facts and policy checks on the signer and the payload.
 *
 * Input: one mode byte, then the message.
 *   bits 0-1  payload: 0 certificate, 1 UTF-8 text, 2 any bytes, 3 a bare
 *             DER certificate (no CMS: the x509 checks only)
 *   bit 2     the message is DER/BER (base64-encoded here first) instead of
 *             base64 text
 *   bit 3     detached: two bytes of big-endian length L and L bytes of
 *             content come before the message */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "pki/cms.h"
#include "base/codec.h"
#include "base/conf.h"
#include "fuzz.h"
#include "domain/signed.h"
#include "pki/x509.h"
#include "worker/gateway.h"

#define T "cms"

/* 2024-01-01T00:00:00Z: a fixed clock keeps every input reproducible. */
#define NOW ((time_t)1704067200)

/* Every certificate fact an upload logs or checks. */
static void
cert_checks(X509 *x, const unsigned char *der, size_t len)
{
	char thumb[DGCG_THUMB_HEX_LEN + 1], kid[DGCG_KID_LEN + 1], cc[DGCG_COUNTRY_MAX + 1];
	char why[256], *s;
	int n;

	dgcg_x509_thumbprint(der, len, thumb);
	FUZZ_CHECK(T, strlen(thumb) == DGCG_THUMB_HEX_LEN);
	dgcg_x509_kid(der, len, kid);
	FUZZ_CHECK(T, strlen(kid) == DGCG_KID_LEN);
	memset(cc, 'x', sizeof(cc));
	n = dgcg_x509_subject_country(x, cc);
	FUZZ_CHECK(T, n >= 0);
	FUZZ_CHECK(T, strnlen(cc, sizeof(cc)) <= DGCG_COUNTRY_MAX);
	if (n != 1)
		FUZZ_CHECK(T, cc[0] == '\0');
	s = dgcg_x509_subject_text(x);
	free(s);
	s = dgcg_x509_issuer_text(x);
	free(s);
	why[0] = '\0';
	(void)dgcg_x509_check_key(x, 2048, 250, why, sizeof(why));
	(void)dgcg_x509_check_sig_hash(x, 0, why, sizeof(why));
	(void)dgcg_x509_check_sig_hash(x, 1, why, sizeof(why));
	(void)dgcg_x509_check_validity(x, NOW, why, sizeof(why));
	(void)dgcg_x509_check_v3(x, why, sizeof(why));
	FUZZ_CHECK(T, strnlen(why, sizeof(why)) < sizeof(why));
	(void)dgcg_x509_issued_by(x, x);
	ERR_clear_error();
}

static void
bare_cert(const uint8_t *data, size_t size)
{
	unsigned char *der;
	size_t len;
	X509 *x;

	if ((x = dgcg_x509_from_der(data, size)) == NULL)
		return;
	der = dgcg_x509_to_der(x, &len);
	FUZZ_CHECK(T, der != NULL);
	cert_checks(x, der, len);
	free(der);
	X509_free(x);
}

/* A detached or attached copy parses again with the same content, and
 * verifies when the original did. */
static void
repack(struct dgcg_cms *c, enum dgcg_cms_payload payload, int verified)
{
	struct dgcg_cms *c2 = NULL;
	const unsigned char *content, *content2;
	unsigned char *der = NULL;
	size_t clen, clen2, len;
	enum dgcg_cms_state st;

	content = dgcg_cms_content(c, &clen);
	if (dgcg_cms_detach(c, &der, &len) == DGCG_OK) {
		st = dgcg_cms_parse(der, len, content, clen, payload, &c2);
		FUZZ_CHECK(T, st == DGCG_CMS_OK);
		content2 = dgcg_cms_content(c2, &clen2);
		FUZZ_CHECK(T, clen2 == clen && (clen == 0 || memcmp(content, content2, clen) == 0));
		if (verified)
			FUZZ_CHECK(T, dgcg_cms_verify(c2, DGCG_DIGESTS_KNOWN, NULL) == DGCG_OK);
		dgcg_cms_free(c2);
		c2 = NULL;
		free(der);
	}
	der = NULL;
	if (dgcg_cms_attach(c, &der, &len) == DGCG_OK) {
		st = dgcg_cms_parse(der, len, NULL, 0, payload, &c2);
		FUZZ_CHECK(T, st == DGCG_CMS_OK);
		content2 = dgcg_cms_content(c2, &clen2);
		FUZZ_CHECK(T, clen2 == clen && (clen == 0 || memcmp(content, content2, clen) == 0));
		if (verified)
			FUZZ_CHECK(T, dgcg_cms_verify(c2, DGCG_DIGESTS_KNOWN, NULL) == DGCG_OK);
		dgcg_cms_free(c2);
		free(der);
	}
	ERR_clear_error();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dgcg_gw gw;
	static int init;
	enum dgcg_cms_payload payload;
	enum dgcg_cms_state st;
	struct dgcg_cms *c = NULL;
	const unsigned char *detached = NULL, *der, *content;
	const char *why = NULL, *dig;
	char *b64 = NULL, reason[256];
	size_t dlen = 0, len, clen;
	unsigned mode;
	enum dgcg_err strict;
	int verified;
	X509 *payload_cert;

	fuzz_quiet_log();
	if (!init) {
		dgcg_conf_defaults(&gw.conf);
		init = 1;
	}
	if (size < 1)
		return 0;
	mode = data[0];
	data++;
	size--;
	if ((mode & 3) == 3) {
		bare_cert(data, size);
		return 0;
	}
	payload = (enum dgcg_cms_payload)(mode & 3);
	if (mode & 8) {
		if (size < 2)
			return 0;
		dlen = (size_t)data[0] << 8 | data[1];
		data += 2;
		size -= 2;
		if (dlen > size)
			dlen = size;
		detached = data;
		data += dlen;
		size -= dlen;
	}
	if (mode & 4) {
		b64 = dgcg_b64_encode(data, size);
		st = dgcg_cms_parse_b64(b64, strlen(b64), detached, dlen, payload, &c);
	} else
		st = dgcg_cms_parse_b64((const char *)data, size, detached, dlen, payload, &c);
	FUZZ_CHECK(T, st < DGCG_CMS__MAX);
	FUZZ_CHECK(T, (st == DGCG_CMS_OK) == (c != NULL));
	FUZZ_CHECK(T, st == DGCG_CMS_OK ||
	    dgcg_prob_info(dgcg_signed_parse_prob(st, payload))->status == 400);
	if (c == NULL)
		goto out;

	/* SecReq-042's set only narrows what verifies; both stay away from
	 * OpenSSL's leaking branch (the run's leak check sees it). */
	strict = dgcg_cms_verify(c, DGCG_DIGESTS_SHA2, &why);
	FUZZ_CHECK(T, strict == DGCG_OK || why != NULL);
	verified = dgcg_cms_verify(c, DGCG_DIGESTS_KNOWN, &why) == DGCG_OK;
	FUZZ_CHECK(T, verified || why != NULL);
	FUZZ_CHECK(T, strict != DGCG_OK || verified);
	FUZZ_CHECK(T, dgcg_cms_signer(c) != NULL);
	der = dgcg_cms_signer_der(c, &len);
	FUZZ_CHECK(T, der != NULL && len > 0);
	cert_checks(dgcg_cms_signer(c), der, len);
	dig = dgcg_cms_digest_name(c);
	FUZZ_CHECK(T, dig != NULL);
	(void)dgcg_x509_hash_allowed(dig, 0);
	(void)dgcg_signed_policy_ok(&gw, c, reason, sizeof(reason), &why);
	content = dgcg_cms_content(c, &clen);
	FUZZ_CHECK(T, content != NULL);
	if (detached != NULL)
		FUZZ_CHECK(T, clen == dlen && (dlen == 0 || memcmp(content, detached, dlen) == 0));
	if (payload == DGCG_CMS_PAYLOAD_CERT) {
		/* the DSC of a signer upload */
		payload_cert = dgcg_x509_from_der(content, clen);
		FUZZ_CHECK(T, payload_cert != NULL);
		cert_checks(payload_cert, content, clen);
		(void)dgcg_x509_issued_by(payload_cert, dgcg_cms_signer(c));
		X509_free(payload_cert);
	}
	repack(c, payload, verified);
out:
	dgcg_cms_free(c);
	free(b64);
	ERR_clear_error();
	return 0;
}
