/* cms_attach.c: puts the content back into a detached CMS SignedData (test tool).
 *
 *   cms_attach [-der] CMS CONTENT
 *
 * CMS is a SignedData in DER/BER or in base64 text (whitespace ignored), as
 * found in the `signature` field of a trust list; CONTENT is the file whose
 * bytes were signed (for a DSC entry, the DER of `rawData`). The SignedData is
 * written to stdout with CONTENT as its eContent: base64 on one line without a
 * newline (a POST /signerCertificate body), or DER with -der.
 *
 * The SignerInfo, its signed attributes and the certificates are kept as they
 * are, so the signature still verifies: the messageDigest attribute (or, with
 * no signed attributes, the signature itself) covers the content bytes, not
 * the way they are carried. A CMS that already carries content is accepted
 * only when that content is byte-identical to CONTENT. Nothing is verified
 * here; use openssl cms -verify on the result.
 *
 * Exit 0; 1 when CMS is not a usable SignedData; 2 on usage or I/O errors. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#define CMS_ATTACH_MAX	(16L * 1024 * 1024)

/* Reads a whole file; returns a malloc'd buffer (caller frees) or NULL. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f;
	unsigned char *buf = NULL, *nb;
	size_t cap = 0, n = 0, r;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return NULL;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= (size_t)CMS_ATTACH_MAX) {
				fprintf(stderr, "cms_attach: %s: larger than %ld bytes\n", path,
				    CMS_ATTACH_MAX);
				goto fail;
			}
			cap = cap ? cap * 2 : 8192;
			if ((nb = realloc(buf, cap)) == NULL) {
				perror("cms_attach");
				goto fail;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		perror(path);
		goto fail;
	}
	fclose(f);
	*len = n;
	return buf;
fail:
	fclose(f);
	free(buf);
	return NULL;
}

/* Decodes base64 text in place (whitespace skipped). Returns the decoded
 * length, or -1 when the text is not base64. */
static long
unbase64(unsigned char *buf, size_t len)
{
	unsigned char *txt;
	size_t i, t = 0, pad = 0;
	int n;

	if ((txt = malloc(len + 1)) == NULL)
		return -1;
	for (i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
			txt[t++] = buf[i];
	if (t == 0 || t % 4 != 0 || t > INT_MAX) {
		free(txt);
		return -1;
	}
	if (txt[t - 1] == '=')
		pad++;
	if (txt[t - 2] == '=')
		pad++;
	n = EVP_DecodeBlock(buf, txt, (int)t);
	free(txt);
	if (n < 0 || (size_t)n < pad)
		return -1;
	return (long)((size_t)n - pad);
}

int
main(int argc, char *argv[])
{
	unsigned char *cms = NULL, *content = NULL, *der = NULL, *p;
	unsigned char *b64 = NULL;
	const unsigned char *cp;
	size_t cmslen = 0, clen = 0;
	CMS_ContentInfo *ci = NULL;
	ASN1_OCTET_STRING **pos, *os = NULL;
	int rc = 2, der_out = 0, n, argi = 1;
	long dl;

	if (argc > 1 && strcmp(argv[1], "-der") == 0) {
		der_out = 1;
		argi++;
	}
	if (argc - argi != 2) {
		fprintf(stderr, "usage: cms_attach [-der] CMS CONTENT\n");
		return 2;
	}
	if ((cms = slurp(argv[argi], &cmslen)) == NULL ||
	    (content = slurp(argv[argi + 1], &clen)) == NULL)
		goto out;
	if (clen > INT_MAX) {
		fprintf(stderr, "cms_attach: content too large\n");
		goto out;
	}
	rc = 1;
	if (cmslen == 0 || cms[0] != 0x30) {
		if ((dl = unbase64(cms, cmslen)) <= 0) {
			fprintf(stderr, "cms_attach: %s is neither DER nor base64\n", argv[argi]);
			goto out;
		}
		cmslen = (size_t)dl;
	}
	cp = cms;
	if (cmslen > LONG_MAX || (ci = d2i_CMS_ContentInfo(NULL, &cp, (long)cmslen)) == NULL ||
	    OBJ_obj2nid(CMS_get0_type(ci)) != NID_pkcs7_signed) {
		fprintf(stderr, "cms_attach: %s is not a CMS SignedData\n", argv[argi]);
		goto out;
	}
	if ((pos = CMS_get0_content(ci)) == NULL) {
		fprintf(stderr, "cms_attach: no encapsulated content info\n");
		goto out;
	}
	if (*pos != NULL) {
		if ((size_t)ASN1_STRING_length(*pos) != clen ||
		    (clen > 0 && memcmp(ASN1_STRING_get0_data(*pos), content, clen) != 0)) {
			fprintf(stderr, "cms_attach: the CMS carries other content\n");
			goto out;
		}
	} else {
		if ((os = ASN1_OCTET_STRING_new()) == NULL ||
		    !ASN1_OCTET_STRING_set(os, content, (int)clen))
			goto out;
		*pos = os;
		os = NULL;
	}
	if ((n = i2d_CMS_ContentInfo(ci, NULL)) <= 0 || (der = malloc((size_t)n)) == NULL)
		goto out;
	p = der;
	if (i2d_CMS_ContentInfo(ci, &p) != n)
		goto out;
	if (der_out) {
		if (fwrite(der, 1, (size_t)n, stdout) != (size_t)n)
			goto io;
	} else {
		if ((size_t)n > (INT_MAX / 4) * 3 - 3 ||
		    (b64 = malloc(((size_t)n + 2) / 3 * 4 + 1)) == NULL)
			goto out;
		n = EVP_EncodeBlock(b64, der, n);
		if (fwrite(b64, 1, (size_t)n, stdout) != (size_t)n)
			goto io;
	}
	if (fflush(stdout) != 0)
		goto io;
	rc = 0;
	goto out;
io:
	perror("cms_attach: stdout");
	rc = 2;
out:
	if (rc == 1)
		ERR_print_errors_fp(stderr);
	ASN1_OCTET_STRING_free(os);
	CMS_ContentInfo_free(ci);
	free(b64);
	free(der);
	free(content);
	free(cms);
	return rc;
}
