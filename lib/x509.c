/* x509.c: certificate parsing, thumbprint, kid, subject country and text. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "codec.h"
#include "x509.h"
#include "xmalloc.h"

X509 *
dgcg_x509_from_der(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509 *x = NULL;

	if (der == NULL || len == 0 || len > LONG_MAX)
		goto out;
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL)
		goto out;
	if (p != der + len) {
		X509_free(x);
		x = NULL;
	}
out:
	if (x == NULL)
		ERR_clear_error();
	return x;
}

unsigned char *
dgcg_x509_to_der(X509 *x, size_t *len)
{
	unsigned char *buf = NULL, *p;
	int n;

	*len = 0;
	if (x == NULL)
		return NULL;
	n = i2d_X509(x, NULL);
	if (n <= 0) {
		ERR_clear_error();
		return NULL;
	}
	buf = xmalloc((size_t)n);
	p = buf;
	if (i2d_X509(x, &p) != n) {
		ERR_clear_error();
		free(buf);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

X509 *
dgcg_x509_load_pem(const char *path)
{
	BIO *b = NULL;
	X509 *x = NULL;

	if (path == NULL)
		goto out;
	if ((b = BIO_new_file(path, "r")) == NULL)
		goto out;
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
out:
	if (x == NULL)
		ERR_clear_error();
	BIO_free(b);
	return x;
}

void
dgcg_x509_thumbprint(const unsigned char *der, size_t len, char out[DGCG_THUMB_HEX_LEN + 1])
{
	dgcg_sha256_hex(der, len, out);
}

void
dgcg_x509_kid(const unsigned char *der, size_t len, char out[DGCG_KID_LEN + 1])
{
	unsigned char md[32];
	char *b;

	dgcg_sha256(der, len, md);
	b = dgcg_b64_encode(md, 8);
	memcpy(out, b, DGCG_KID_LEN);
	out[DGCG_KID_LEN] = '\0';
	free(b);
}

int
dgcg_x509_subject_country(X509 *x, char out[DGCG_COUNTRY_MAX + 1])
{
	const X509_NAME *name;
	const X509_NAME_ENTRY *e;
	const ASN1_STRING *v;
	int i, n, count = 0, last = -1;
	size_t vlen;

	out[0] = '\0';
	if (x == NULL || (name = X509_get_subject_name(x)) == NULL)
		return 0;
	n = X509_NAME_entry_count(name);
	for (i = 0; i < n; i++) {
		e = X509_NAME_get_entry(name, i);
		if (OBJ_obj2nid(X509_NAME_ENTRY_get_object(e)) == NID_countryName) {
			count++;
			last = i;
		}
	}
	if (count != 1)
		return count;
	v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, last));
	vlen = (size_t)ASN1_STRING_length(v);
	if (vlen > DGCG_COUNTRY_MAX)
		vlen = DGCG_COUNTRY_MAX;
	memcpy(out, ASN1_STRING_get0_data(v), vlen);
	out[vlen] = '\0';
	return count;
}

char *
dgcg_x509_subject_text(X509 *x)
{
	BIO *b = NULL;
	char *res = NULL;
	const char *data;
	long n;

	if (x == NULL)
		goto out;
	if ((b = BIO_new(BIO_s_mem())) == NULL)
		goto out;
	/* RFC 2253 order and escaping, but UTF-8 kept as is (not \XX). */
	if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
	    XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
		goto out;
	n = BIO_get_mem_data(b, &data);
	if (n < 0)
		goto out;
	res = xstrndup(n > 0 ? data : "", (size_t)n);
out:
	if (res == NULL)
		ERR_clear_error();
	BIO_free(b);
	return res;
}
