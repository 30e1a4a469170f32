/* cms.c: CMS SignedData parsing, verification, detaching and signing. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "pki/cms.h"
#include "base/codec.h"
#include "base/log.h"
#include "base/utf8.h"
#include "pki/x509.h"
#include "base/xmalloc.h"

struct dgcg_cms {
	CMS_ContentInfo	*ci;
	unsigned char	*der;		/* the CMS as received (for detach) */
	size_t		 derlen;
	unsigned char	*content;	/* embedded or detached content */
	size_t		 clen;
	X509		*signer;	/* the single embedded certificate */
	unsigned char	*signer_der;
	size_t		 signer_len;
};

static int
payload_ok(const unsigned char *p, size_t len, enum dgcg_cms_payload payload)
{
	X509 *x;

	switch (payload) {
	case DGCG_CMS_PAYLOAD_CERT:
		if ((x = dgcg_x509_from_der(p, len)) == NULL)
			return 0;
		X509_free(x);
		return 1;
	case DGCG_CMS_PAYLOAD_STRING:
		return dgcg_utf8_valid(p, len, 0);	/* no NUL: used as a C string */
	case DGCG_CMS_PAYLOAD_ANY:
		return 1;
	}
	return 0;
}

static unsigned char *
memdup0(const unsigned char *p, size_t len)
{
	unsigned char *q = xmalloc(len + 1);

	if (len > 0)
		memcpy(q, p, len);
	q[len] = '\0';
	return q;
}

/*
 * Bytes after the outer ContentInfo are refused (DGCG_CMS_BAD_CMS), though
 * Bouncy Castle's CMSSignedData(byte[]) ignores them (so the reference and
 * TNG accept them): no signature covers them, and the gateway would store
 * and serve them to every consumer as part of the signature. Certificates
 * are read the same way (x509.c). None of the 970 real CMS of the shared
 * test data has any. A CMS that carries content and is also given
 * detached content is accepted only when both are byte-identical (the
 * reference verifies against the external content, so an attached
 * signature over the same bytes passes there too).
 */
enum dgcg_cms_state
dgcg_cms_parse(const unsigned char *der, size_t len, const unsigned char *detached,
    size_t dlen, enum dgcg_cms_payload payload, struct dgcg_cms **out)
{
	enum dgcg_cms_state st;
	CMS_ContentInfo *ci = NULL;
	STACK_OF(X509) *certs = NULL;
	STACK_OF(CMS_SignerInfo) *sis;
	ASN1_OCTET_STRING **pos, *emb;
	const unsigned char *p = der, *cp;
	struct dgcg_cms *c = NULL;
	size_t cl;

	*out = NULL;
	if (der == NULL || len == 0 || len > LONG_MAX) {
		st = DGCG_CMS_BAD_CMS;
		goto out;
	}
	if ((ci = d2i_CMS_ContentInfo(NULL, &p, (long)len)) == NULL || p != der + len ||
	    OBJ_obj2nid(CMS_get0_type(ci)) != NID_pkcs7_signed) {
		st = DGCG_CMS_BAD_CMS;
		goto out;
	}
	if (OBJ_obj2nid(CMS_get0_eContentType(ci)) != NID_pkcs7_data) {
		st = DGCG_CMS_NOT_DATA;
		goto out;
	}
	pos = CMS_get0_content(ci);
	emb = pos != NULL ? *pos : NULL;
	if (detached == NULL) {
		if (emb == NULL) {
			st = DGCG_CMS_DETACHED;
			goto out;
		}
		cp = ASN1_STRING_get0_data(emb);
		cl = (size_t)ASN1_STRING_length(emb);
	} else {
		cp = detached;
		cl = dlen;
		if (emb != NULL && ((size_t)ASN1_STRING_length(emb) != dlen ||
		    (dlen > 0 && memcmp(ASN1_STRING_get0_data(emb), detached, dlen) != 0))) {
			st = DGCG_CMS_BAD_PAYLOAD;
			goto out;
		}
	}
	if (!payload_ok(cp, cl, payload)) {
		st = DGCG_CMS_BAD_PAYLOAD;
		goto out;
	}
	certs = CMS_get1_certs(ci);
	if (certs == NULL || sk_X509_num(certs) != 1) {
		st = DGCG_CMS_CERT_COUNT;
		goto out;
	}
	sis = CMS_get0_SignerInfos(ci);
	if (sis == NULL || sk_CMS_SignerInfo_num(sis) != 1) {
		st = DGCG_CMS_SIGNER_COUNT;
		goto out;
	}

	c = xcalloc(1, sizeof(*c));
	c->signer = sk_X509_value(certs, 0);
	if (!X509_up_ref(c->signer)) {
		c->signer = NULL;
		st = DGCG_CMS_BAD_CMS;
		goto out;
	}
	if ((c->signer_der = dgcg_x509_to_der(c->signer, &c->signer_len)) == NULL) {
		st = DGCG_CMS_BAD_CMS;
		goto out;
	}
	c->ci = ci;
	ci = NULL;
	c->der = memdup0(der, len);
	c->derlen = len;
	c->content = memdup0(cp, cl);
	c->clen = cl;
	*out = c;
	c = NULL;
	st = DGCG_CMS_OK;
out:
	if (st != DGCG_CMS_OK)
		ERR_clear_error();
	dgcg_cms_free(c);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(ci);
	return st;
}

enum dgcg_cms_state
dgcg_cms_parse_b64(const char *b64, size_t len, const unsigned char *detached,
    size_t dlen, enum dgcg_cms_payload payload, struct dgcg_cms **out)
{
	enum dgcg_cms_state st;
	unsigned char *der = NULL;
	size_t derlen = 0;

	*out = NULL;
	if (dgcg_b64_decode(b64, len, &der, &derlen) != DGCG_OK)
		return DGCG_CMS_BAD_BASE64;
	st = dgcg_cms_parse(der, derlen, detached, dlen, payload, out);
	free(der);
	return st;
}

static CMS_SignerInfo *
signer_info(const struct dgcg_cms *c)
{
	return sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(c->ci), 0);
}

/* Bouncy Castle's rule: a signingTime signed attribute, when present, must
 * be single-valued, a UTCTime or GeneralizedTime, and lie within
 * notBefore..notAfter (inclusive) of the signer; it must not appear among
 * the unsigned attributes. Returns NULL or the reason. */
static const char *
check_signing_time(CMS_SignerInfo *si, X509 *signer)
{
	X509_ATTRIBUTE *attr;
	ASN1_TYPE *t;
	const ASN1_TIME *tm;
	int idx, r;

	if (CMS_unsigned_get_attr_by_NID(si, NID_pkcs9_signingTime, -1) >= 0)
		return "signingTime must not be an unsigned attribute";
	idx = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	if (idx < 0)
		return NULL;
	if (CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, idx) >= 0)
		return "more than one signingTime attribute";
	if ((attr = CMS_signed_get_attr(si, idx)) == NULL ||
	    X509_ATTRIBUTE_count(attr) != 1 ||
	    (t = X509_ATTRIBUTE_get0_type(attr, 0)) == NULL)
		return "malformed signingTime attribute";
	if (t->type == V_ASN1_UTCTIME)
		tm = t->value.utctime;
	else if (t->type == V_ASN1_GENERALIZEDTIME)
		tm = t->value.generalizedtime;
	else
		return "malformed signingTime attribute";
	if (!ASN1_TIME_check(tm))
		return "malformed signingTime attribute";
	r = ASN1_TIME_compare(tm, X509_get0_notBefore(signer));
	if (r == -2)
		return "malformed signingTime attribute";
	if (r < 0)
		return "signingTime before the signer certificate's notBefore";
	r = ASN1_TIME_compare(tm, X509_get0_notAfter(signer));
	if (r == -2)
		return "malformed signingTime attribute";
	if (r > 0)
		return "signingTime after the signer certificate's notAfter";
	return NULL;
}

unsigned
dgcg_cms_digests(int allow_sha1)
{
	return DGCG_DIGESTS_SHA2 | (allow_sha1 ? DGCG_DIGEST_SHA1 : 0u);
}

/* The DGCG_DIGEST_* bit of an AlgorithmIdentifier whose parameters are
 * absent or NULL (RFC 5754), or 0. */
static unsigned
digest_bit(const X509_ALGOR *a)
{
	const ASN1_OBJECT *obj = NULL;
	const void *pval = NULL;
	int ptype = V_ASN1_UNDEF;

	X509_ALGOR_get0(&obj, &ptype, &pval, a);
	if (obj == NULL || (ptype != V_ASN1_UNDEF && ptype != V_ASN1_NULL))
		return 0;
	switch (OBJ_obj2nid(obj)) {
	case NID_sha1:
		return DGCG_DIGEST_SHA1;
	case NID_sha256:
		return DGCG_DIGEST_SHA256;
	case NID_sha384:
		return DGCG_DIGEST_SHA384;
	case NID_sha512:
		return DGCG_DIGEST_SHA512;
	default:
		return 0;
	}
}

/* Reads one TLV header at *p (before end) that must have the given tag,
 * class and the constructed bit; *len gets the content length. Definite
 * lengths only (the input is our own DER re-encoding). */
static int
tlv(const unsigned char **p, const unsigned char *end, int want_tag, int want_class,
    int constructed, long *len)
{
	int tag, cls, r;

	if (*p >= end)
		return 0;
	r = ASN1_get_object(p, len, &tag, &cls, end - *p);
	if ((r & 0x80) || r == 0x21 || tag != want_tag || cls != want_class ||
	    ((r & V_ASN1_CONSTRUCTED) != 0) != (constructed != 0) || *len > end - *p)
		return 0;
	return 1;
}

/*
 * The union of the DGCG_DIGEST_* bits of the SignedData's digestAlgorithms,
 * with *bad set when an entry is not one of them (or the SET is empty or
 * malformed). OpenSSL 3.0 has no accessor for that SET, so it is read
 * from the DER of the parsed structure (DER: definite lengths, whatever
 * BER the client sent):
 *   ContentInfo ::= SEQUENCE { contentType OID, [0] EXPLICIT SignedData }
 *   SignedData ::= SEQUENCE { version INTEGER, digestAlgorithms SET OF
 *       AlgorithmIdentifier, ... }
 */
static unsigned
digest_algorithms(CMS_ContentInfo *ci, int *bad)
{
	unsigned char *der = NULL, *w;
	const unsigned char *p, *end, *setend, *q;
	X509_ALGOR *a;
	unsigned bits = 0, b;
	long len;
	int n, count = 0;

	*bad = 1;
	if ((n = i2d_CMS_ContentInfo(ci, NULL)) <= 0)
		goto out;
	der = xmalloc((size_t)n);
	w = der;
	if (i2d_CMS_ContentInfo(ci, &w) != n)
		goto out;
	p = der;
	end = der + n;
	if (!tlv(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, 1, &len))
		goto out;
	end = p + len;
	if (!tlv(&p, end, V_ASN1_OBJECT, V_ASN1_UNIVERSAL, 0, &len))
		goto out;
	p += len;
	if (!tlv(&p, end, 0, V_ASN1_CONTEXT_SPECIFIC, 1, &len) ||
	    !tlv(&p, end, V_ASN1_SEQUENCE, V_ASN1_UNIVERSAL, 1, &len))
		goto out;
	end = p + len;
	if (!tlv(&p, end, V_ASN1_INTEGER, V_ASN1_UNIVERSAL, 0, &len))
		goto out;
	p += len;
	if (!tlv(&p, end, V_ASN1_SET, V_ASN1_UNIVERSAL, 1, &len))
		goto out;
	setend = p + len;
	*bad = 0;
	while (p < setend) {
		q = p;
		if ((a = d2i_X509_ALGOR(NULL, &q, setend - p)) == NULL) {
			*bad = 1;
			break;
		}
		b = digest_bit(a);
		X509_ALGOR_free(a);
		if (b == 0)
			*bad = 1;
		bits |= b;
		count++;
		p = q;
	}
	if (count == 0)
		*bad = 1;
out:
	ERR_clear_error();
	free(der);
	return bits;
}

/* SecReq-042 and the shape OpenSSL's digest set-up relies on (see
 * dgcg_cms_verify in cms.h). Returns DGCG_OK, DGCG_ERR_POLICY or
 * DGCG_ERR_VERIFY with *why set. */
static enum dgcg_err
check_digests(const struct dgcg_cms *c, CMS_SignerInfo *si, unsigned digests,
    const char **why)
{
	X509_ALGOR *dig = NULL;
	unsigned listed, sbit;
	int bad;

	listed = digest_algorithms(c->ci, &bad);
	if (bad) {
		*why = "digestAlgorithms must list only SHA-256, SHA-384 or SHA-512 "
		    "(SecReq-042), and at least one";
		return DGCG_ERR_VERIFY;
	}
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	if (dig == NULL || (sbit = digest_bit(dig)) == 0) {
		*why = "the SignerInfo digest must be SHA-256, SHA-384 or SHA-512 (SecReq-042)";
		return DGCG_ERR_VERIFY;
	}
	if ((listed & sbit) == 0) {
		*why = "the SignerInfo digest is not listed in digestAlgorithms";
		return DGCG_ERR_VERIFY;
	}
	if ((listed & ~digests) != 0) {
		*why = (listed & ~digests) == DGCG_DIGEST_SHA1 && sbit == DGCG_DIGEST_SHA1 ?
		    "The CMS digest SHA1 is not allowed, SHA-256, SHA-384 or SHA-512 "
		    "required (SecReq-042)" :
		    "digestAlgorithms lists a digest that is not allowed, SHA-256, SHA-384 "
		    "or SHA-512 required (SecReq-042)";
		return DGCG_ERR_POLICY;
	}
	return DGCG_OK;
}

/*
 * The single embedded certificate is set as the SignerInfo's signer before
 * CMS_verify, so the sid (issuer-and-serial or subject key identifier) is
 * never matched: CMS_verify counts the pre-set signer and verifies the
 * signed attributes (or, without them, the signature over the content).
 */
enum dgcg_err
dgcg_cms_verify(struct dgcg_cms *c, unsigned digests, const char **why)
{
	enum dgcg_err rc = DGCG_ERR_VERIFY;
	CMS_SignerInfo *si;
	BIO *mem = NULL, *dc = NULL;
	const char *reason = "signature does not verify";
	char ebuf[256];
	unsigned long e;

	if (c == NULL || (si = signer_info(c)) == NULL) {
		reason = "no signer";
		goto out;
	}
	if ((rc = check_digests(c, si, digests, &reason)) != DGCG_OK)
		goto out;
	rc = DGCG_ERR_VERIFY;
	CMS_SignerInfo_set1_signer_cert(si, c->signer);
	if ((reason = check_signing_time(si, c->signer)) != NULL)
		goto out;
	reason = "signature does not verify";
	/* A buffering filter in front of the memory BIO: CMS_verify copies a
	 * bare memory BIO into a temporary one, which OpenSSL before 3.0.22
	 * leaks when the digest set-up fails (openssl#30471). */
	if (c->clen > INT_MAX ||
	    (mem = BIO_new_mem_buf(c->content, (int)c->clen)) == NULL ||
	    (dc = BIO_new(BIO_f_buffer())) == NULL)
		goto out;
	dc = BIO_push(dc, mem);
	mem = NULL;
	if (CMS_verify(c->ci, NULL, NULL, dc, NULL,
	    CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
		if (dgcg_log_enabled(DGCG_LOG_DEBUG)) {
			e = ERR_peek_last_error();
			ERR_error_string_n(e, ebuf, sizeof(ebuf));
			dgcg_log(DGCG_LOG_DEBUG, "cms", "CMS signature verification failed",
			    ebuf, NULL);
		}
		goto out;
	}
	reason = NULL;
	rc = DGCG_OK;
out:
	if (rc != DGCG_OK)
		ERR_clear_error();
	if (why != NULL)
		*why = reason;
	BIO_free_all(dc);
	BIO_free(mem);
	return rc;
}

X509 *
dgcg_cms_signer(const struct dgcg_cms *c)
{
	return c->signer;
}

const unsigned char *
dgcg_cms_signer_der(const struct dgcg_cms *c, size_t *len)
{
	*len = c->signer_len;
	return c->signer_der;
}

const unsigned char *
dgcg_cms_content(const struct dgcg_cms *c, size_t *len)
{
	*len = c->clen;
	return c->content;
}

const char *
dgcg_cms_digest_name(const struct dgcg_cms *c)
{
	X509_ALGOR *dig = NULL;
	const ASN1_OBJECT *obj = NULL;
	const char *sn;

	CMS_SignerInfo_get0_algs(signer_info(c), NULL, NULL, &dig, NULL);
	if (dig == NULL)
		return "UNDEF";
	X509_ALGOR_get0(&obj, NULL, NULL, dig);
	if ((sn = OBJ_nid2sn(OBJ_obj2nid(obj))) == NULL)
		return "UNDEF";
	return sn;
}

/*
 * The DER of ci, or NULL.
 * NOTE: OpenSSL can re-encode a structure it accepted in a form it cannot
 * read back (fuzz_cms found a SignerInfo whose odd digestAlgorithm came out
 * as an empty element). A CMS we store or hand out must parse again, so the
 * encoding is read back once here (microseconds, next to a verification).
 */
static unsigned char *
cms_to_der(CMS_ContentInfo *ci, size_t *len)
{
	CMS_ContentInfo *back;
	const unsigned char *q;
	unsigned char *buf, *p;
	int n;

	*len = 0;
	if ((n = i2d_CMS_ContentInfo(ci, NULL)) <= 0)
		return NULL;
	buf = xmalloc((size_t)n);
	p = buf;
	if (i2d_CMS_ContentInfo(ci, &p) != n) {
		free(buf);
		return NULL;
	}
	q = buf;
	if ((back = d2i_CMS_ContentInfo(NULL, &q, (long)n)) == NULL || q != buf + n) {
		CMS_ContentInfo_free(back);
		ERR_clear_error();
		free(buf);
		return NULL;
	}
	CMS_ContentInfo_free(back);
	*len = (size_t)n;
	return buf;
}

enum dgcg_err
dgcg_cms_detach(const struct dgcg_cms *c, unsigned char **der, size_t *len)
{
	enum dgcg_err rc = DGCG_ERR_PARSE;
	CMS_ContentInfo *ci = NULL;
	const unsigned char *p;

	*der = NULL;
	*len = 0;
	if (c == NULL)
		return DGCG_ERR_INVAL;
	/* A private copy: the parsed object stays usable by the caller. */
	p = c->der;
	if ((ci = d2i_CMS_ContentInfo(NULL, &p, (long)c->derlen)) == NULL)
		goto out;
	if (!CMS_set_detached(ci, 1))
		goto out;
	if ((*der = cms_to_der(ci, len)) == NULL)
		goto out;
	rc = DGCG_OK;
out:
	if (rc != DGCG_OK)
		ERR_clear_error();
	CMS_ContentInfo_free(ci);
	return rc;
}

enum dgcg_err
dgcg_cms_attach(const struct dgcg_cms *c, unsigned char **der, size_t *len)
{
	enum dgcg_err rc = DGCG_ERR_PARSE;
	CMS_ContentInfo *ci = NULL;
	ASN1_OCTET_STRING **pos, *os = NULL;
	const unsigned char *p;

	*der = NULL;
	*len = 0;
	if (c == NULL || c->clen > INT_MAX)
		return DGCG_ERR_INVAL;
	p = c->der;
	if ((ci = d2i_CMS_ContentInfo(NULL, &p, (long)c->derlen)) == NULL ||
	    (pos = CMS_get0_content(ci)) == NULL)
		goto out;
	if ((os = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(os, c->content, (int)c->clen))
		goto out;
	ASN1_OCTET_STRING_free(*pos);
	*pos = os;
	os = NULL;
	if ((*der = cms_to_der(ci, len)) == NULL)
		goto out;
	rc = DGCG_OK;
out:
	if (rc != DGCG_OK)
		ERR_clear_error();
	ASN1_OCTET_STRING_free(os);
	CMS_ContentInfo_free(ci);
	return rc;
}

void
dgcg_cms_free(struct dgcg_cms *c)
{
	if (c == NULL)
		return;
	CMS_ContentInfo_free(c->ci);
	X509_free(c->signer);
	free(c->signer_der);
	free(c->der);
	free(c->content);
	free(c);
}

char *
dgcg_cms_sign(X509 *cert, EVP_PKEY *key, const unsigned char *content, size_t len,
    int attached)
{
	CMS_ContentInfo *ci = NULL;
	BIO *in = NULL;
	unsigned char *der = NULL;
	size_t derlen = 0;
	char *res = NULL;
	unsigned int flags;

	if (cert == NULL || key == NULL || (content == NULL && len > 0) || len > INT_MAX)
		goto out;
	flags = CMS_BINARY | CMS_PARTIAL | CMS_NOSMIMECAP;
	if (!attached)
		flags |= CMS_DETACHED;
	if ((ci = CMS_sign(NULL, NULL, NULL, NULL, flags)) == NULL)
		goto out;
	if (CMS_add1_signer(ci, cert, key, EVP_sha256(), flags) == NULL)
		goto out;
	if ((in = BIO_new_mem_buf(content != NULL ? (const void *)content : "",
	    (int)len)) == NULL)
		goto out;
	if (CMS_final(ci, in, NULL, flags) != 1)
		goto out;
	if ((der = cms_to_der(ci, &derlen)) == NULL)
		goto out;
	res = dgcg_b64_encode(der, derlen);
out:
	if (res == NULL)
		ERR_clear_error();
	free(der);
	BIO_free(in);
	CMS_ContentInfo_free(ci);
	return res;
}

static const char *const cms_state_name[DGCG_CMS__MAX] = {
	[DGCG_CMS_OK] = "SUCCESS",
	[DGCG_CMS_BAD_BASE64] = "FAILURE_INVALID_BASE64",
	[DGCG_CMS_BAD_CMS] = "FAILURE_INVALID_CMS",
	[DGCG_CMS_NOT_DATA] = "FAILURE_INVALID_CMS_BODY",
	[DGCG_CMS_DETACHED] = "FAILURE_CMS_BODY_NO_CONTENT",
	[DGCG_CMS_BAD_PAYLOAD] = "FAILURE_CMS_BODY_PARSING_FAILED",
	[DGCG_CMS_CERT_COUNT] = "FAILURE_CMS_SIGNING_CERT_INVALID",
	[DGCG_CMS_SIGNER_COUNT] = "FAILURE_CMS_SIGNER_INFO",
};

const char *
dgcg_cms_state_name(enum dgcg_cms_state st)
{
	return cms_state_name[(unsigned)st < DGCG_CMS__MAX ? st : DGCG_CMS_BAD_CMS];
}
