/* conf.c: the configuration file, one table of keys. */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/conf.h"
#include "base/dgcg.h"
#include "base/log.h"
#include "base/xmalloc.h"

#ifndef DGCG_SQLDIR
#define DGCG_SQLDIR	"/usr/share/dgcg/sql"
#endif

#define CONF_LINE_MAX	4096	/* bytes of one line, without its newline */
#define CONF_SECRET_MAX	4096	/* largest password file */
#define CONF_HEADER_MAX	100	/* longest header name (fcgi/io.h keeps 128 with "HTTP_") */

/* The gateway's keys use the table types of conf.h. */
#define CT_STRING	DGCG_CONF_STRING
#define CT_UINT		DGCG_CONF_UINT
#define CT_SIZE		DGCG_CONF_SIZE
#define CT_BOOL		DGCG_CONF_BOOL
#define CT_LIST		DGCG_CONF_LIST
#define conf_key	dgcg_conf_def

static const char	*check_header(const char *, const char **);
static const char	*check_list(const char *, const char **);

#define OFF(f)	offsetof(struct dgcg_conf, f)

static const struct conf_key gw_keys[] = {
	{ "db_socket", CT_STRING, OFF(db_socket), 0, 0, NULL, NULL },
	{ "db_host", CT_STRING, OFF(db_host), 0, 0, "localhost", NULL },
	{ "db_port", CT_UINT, OFF(db_port), 1, 65535, "3306", NULL },
	{ "db_name", CT_STRING, OFF(db_name), 0, 0, "dgcg", NULL },
	{ "db_user", CT_STRING, OFF(db_user), 0, 0, "dgcg_app", NULL },
	{ "db_password_file", CT_STRING, OFF(db_password_file), 0, 0, NULL, NULL },
	{ "db_admin_user", CT_STRING, OFF(db_admin_user), 0, 0, "dgcg_admin", NULL },
	{ "db_admin_password_file", CT_STRING, OFF(db_admin_password_file), 0, 0, NULL, NULL },
	{ "db_tls", CT_BOOL, OFF(db_tls), 0, 1, "no", NULL },
	{ "db_tls_ca", CT_STRING, OFF(db_tls_ca), 0, 0, NULL, NULL },
	{ "db_tls_cert", CT_STRING, OFF(db_tls_cert), 0, 0, NULL, NULL },
	{ "db_tls_key", CT_STRING, OFF(db_tls_key), 0, 0, NULL, NULL },
	{ "db_timeout", CT_UINT, OFF(db_timeout), 1, 600, "5", NULL },
	{ "db_causal_reads", CT_BOOL, OFF(db_causal_reads), 0, 1, "no", NULL },
	{ "trust_anchor", CT_STRING, OFF(trust_anchor), 0, 0, NULL, NULL },
	{ "header_thumbprint", CT_STRING, OFF(header_thumbprint), 0, 0,
	    "X-SSL-Client-SHA256", check_header },
	{ "header_dn", CT_STRING, OFF(header_dn), 0, 0, "X-SSL-Client-DN", check_header },
	{ "log_file", CT_STRING, OFF(log_file), 0, 0, "-", NULL },
	{ "log_level", CT_STRING, OFF(log_level), 0, 0, "INFO", dgcg_conf_check_level },
	{ "body_max", CT_SIZE, OFF(body_max), 1024, 64 * 1024 * 1024, "1048576", NULL },
	{ "sql_dir", CT_STRING, OFF(sql_dir), 0, 0, DGCG_SQLDIR, NULL },
	{ "check_dsc_expiry", CT_BOOL, OFF(check_dsc_expiry), 0, 1, "yes", NULL },
	{ "check_upload_expiry", CT_BOOL, OFF(check_upload_expiry), 0, 1, "yes", NULL },
	{ "require_x509v3", CT_BOOL, OFF(require_x509v3), 0, 1, "yes", NULL },
	{ "allow_sha1", CT_BOOL, OFF(allow_sha1), 0, 1, "no", NULL },
	{ "min_rsa_bits", CT_UINT, OFF(min_rsa_bits), 0, 16384, "2048", NULL },
	{ "min_ec_bits", CT_UINT, OFF(min_ec_bits), 0, 1024, "250", NULL },
	{ "tombstone_days", CT_UINT, OFF(tombstone_days), 1, 3650, "14", NULL },
	{ "cache_dir", CT_STRING, OFF(cache_dir), 0, 0, NULL, NULL },
	{ "trustlist_cache", CT_BOOL, OFF(trustlist_cache), 0, 1, "yes", NULL },
	{ "cache_uri", CT_STRING, OFF(cache_uri), 0, 0, "/_dgcg_cache/", NULL },
	{ "v2_allowed_domains", CT_STRING, OFF(v2_allowed_domains), 0, 0,
	    "DCC,IPS-PILGRIMAGE,DICVP,PH4H", check_list },
	{ "v2_allowed_properties", CT_STRING, OFF(v2_allowed_properties), 0, 0,
	    "purpose,usergroup,scope,standard,displayName,displayLogo,validFrom,validUntil,"
	    "pubkey,displayURL", check_list },
	{ "v2_list_extra_groups", CT_BOOL, OFF(v2_list_extra_groups), 0, 1, "no", NULL },
	{ "metrics_file", CT_STRING, OFF(metrics_file), 0, 0, NULL, NULL },
	{ "federation_key_dir", CT_STRING, OFF(federation_key_dir), 0, 0, NULL, NULL },
	{ "federation_in_v1", CT_BOOL, OFF(federation_in_v1), 0, 1, "no", NULL },
	{ "federation_max_shrink", CT_UINT, OFF(federation_max_shrink), 0, 100, "20", NULL },
};

static const struct dgcg_conf_table gw_table = {
	gw_keys, sizeof(gw_keys) / sizeof(gw_keys[0]), sizeof(struct dgcg_conf)
};

static const char *
check_header(const char *v, const char **canon)
{
	size_t n;

	(void)canon;
	for (n = 0; v[n] != '\0'; n++)
		if (!((v[n] >= 'A' && v[n] <= 'Z') || (v[n] >= 'a' && v[n] <= 'z') ||
		    (v[n] >= '0' && v[n] <= '9') || v[n] == '-'))
			return "header name may hold only A-Z a-z 0-9 and '-'";
	if (n > CONF_HEADER_MAX)
		return "header name too long";
	return NULL;
}

const char *
dgcg_conf_check_level(const char *v, const char **canon)
{
	enum dgcg_log_level l = dgcg_log_level_parse(v);

	if (l == DGCG_LOG__MAX)
		return "must be ERROR, WARN, INFO or DEBUG";
	*canon = dgcg_log_level_name(l);
	return NULL;
}

/* A comma list of names: each 1-32 characters of A-Z a-z 0-9 . _ -, no
 * empty name, no blanks (a domain column holds 32). */
static const char *
check_list(const char *v, const char **canon)
{
	size_t n = 0;

	(void)canon;
	for (; *v != '\0'; v++) {
		if (*v == ',') {
			if (n == 0)
				return "empty name in the list";
			n = 0;
			continue;
		}
		if (!((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') ||
		    (*v >= '0' && *v <= '9') || *v == '.' || *v == '_' || *v == '-'))
			return "a list of names of A-Z a-z 0-9 . _ - separated by ','";
		if (++n > 32)
			return "a name longer than 32 characters";
	}
	if (n == 0)
		return "empty name in the list";
	return NULL;
}

int
dgcg_conf_list_has(const char *list, const char *s, size_t len)
{
	const char *p = list, *e;

	while (p != NULL && *p != '\0') {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) == len && memcmp(p, s, len) == 0)
			return 1;
		p = *e != '\0' ? e + 1 : e;
	}
	return 0;
}

/* Parses unsigned decimal digits only: no sign, no blanks, no base prefix. */
static int
parse_ull(const char *s, const char **end, unsigned long long *out)
{
	char *ep;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &ep, 10);
	if (errno == ERANGE || ep == s)
		return -1;
	*end = ep;
	return 0;
}

static const char *
parse_bool(const char *v, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return NULL;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return NULL;
		}
	}
	return "not a boolean (yes/no, true/false, on/off, 1/0)";
}

/* Copies s into a printable form for error messages (at most 64 bytes). */
static const char *
printable(const char *s, char *buf, size_t bufsz)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < bufsz && i < 64; i++)
		buf[i] = ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f) ?
		    '?' : s[i];
	buf[i] = '\0';
	return buf;
}

static void
list_clear(struct dgcg_conf_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/*
 * Sets key k of c from the text v (a list key: appends v, or with !append
 * replaces the list by it). Returns NULL, or why v is refused
 * (possibly formatted into rbuf). An empty value unsets a string key whose
 * default is none; it is refused for every other key.
 */
static const char *
set_value(void *c, const struct conf_key *k, const char *v, int append,
    char *rbuf, size_t rsz)
{
	char *base = (char *)c + k->off, **sp;
	struct dgcg_conf_list *lp;
	unsigned long long n;
	const char *end, *why, *canon = NULL;
	char pbuf[72];
	size_t i;
	int b;

	if (*v == '\0') {
		if ((k->type != CT_STRING && k->type != CT_LIST) || k->def != NULL)
			return "empty value";
		if (k->type == CT_LIST) {
			list_clear((struct dgcg_conf_list *)(void *)base);
			return NULL;
		}
		sp = (char **)(void *)base;
		free(*sp);
		*sp = NULL;
		return NULL;
	}
	switch (k->type) {
	case CT_LIST:
		for (i = 0; v[i] != '\0'; i++)
			if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
				return "control character in value";
		if (k->check != NULL && (why = k->check(v, &canon)) != NULL)
			return why;
		lp = (struct dgcg_conf_list *)(void *)base;
		if (!append)
			list_clear(lp);
		lp->v = xrealloc(lp->v, (lp->n + 1) * sizeof(*lp->v));
		lp->v[lp->n++] = xstrdup(canon != NULL ? canon : v);
		return NULL;
	case CT_STRING:
		for (i = 0; v[i] != '\0'; i++)
			if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
				return "control character in value";
		if (k->check != NULL && (why = k->check(v, &canon)) != NULL)
			return why;
		sp = (char **)(void *)base;
		free(*sp);
		*sp = xstrdup(canon != NULL ? canon : v);
		return NULL;
	case CT_UINT:
	case CT_SIZE:
		if (parse_ull(v, &end, &n) == -1)
			goto badnum;
		if (k->type == CT_SIZE && *end != '\0') {
			if ((*end == 'k' || *end == 'K') && end[1] == '\0') {
				if (n > k->max / 1024)
					goto range;
				n *= 1024;
			} else if ((*end == 'm' || *end == 'M') && end[1] == '\0') {
				if (n > k->max / (1024 * 1024))
					goto range;
				n *= 1024 * 1024;
			} else
				goto badnum;
		} else if (*end != '\0')
			goto badnum;
		if (n < k->min || n > k->max)
			goto range;
		if (k->type == CT_UINT)
			*(unsigned *)(void *)base = (unsigned)n;
		else
			*(size_t *)(void *)base = (size_t)n;
		return NULL;
	case CT_BOOL:
		if ((why = parse_bool(v, &b)) != NULL)
			return why;
		*(int *)(void *)base = b;
		return NULL;
	}
	return "unknown type";
 badnum:
	snprintf(rbuf, rsz, "bad number \"%.32s\"%s", printable(v, pbuf, sizeof(pbuf)),
	    k->type == CT_SIZE ? " (bytes, or with suffix k/K or m/M)" : "");
	return rbuf;
 range:
	snprintf(rbuf, rsz, "value out of range (%llu..%llu)", k->min, k->max);
	return rbuf;
}

/*
 * NOTE: c is zeroed first and must not own strings: call dgcg_conf_tfree
 * before setting the defaults again.
 */
void
dgcg_conf_tdefaults(const struct dgcg_conf_table *t, void *c)
{
	char rbuf[128];
	const char *why;
	size_t i;

	memset(c, 0, t->size);
	for (i = 0; i < t->n; i++) {
		if (t->keys[i].def == NULL)
			continue;
		why = set_value(c, &t->keys[i], t->keys[i].def, 1, rbuf, sizeof(rbuf));
		assert(why == NULL);
		(void)why;
	}
}

/* Leaves every string pointer NULL and every list empty; numbers are kept. */
void
dgcg_conf_tfree(const struct dgcg_conf_table *t, void *c)
{
	char **sp;
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		if (t->keys[i].type == CT_LIST) {
			list_clear((struct dgcg_conf_list *)(void *)((char *)c + t->keys[i].off));
			continue;
		}
		if (t->keys[i].type != CT_STRING)
			continue;
		sp = (char **)(void *)((char *)c + t->keys[i].off);
		free(*sp);
		*sp = NULL;
	}
}

/* Copies src into dst (t->size bytes), duplicating the strings and lists. */
static void
conf_copy(const struct dgcg_conf_table *t, void *dst, const void *src)
{
	struct dgcg_conf_list *lp;
	char **sp, **v;
	size_t i, j;

	memcpy(dst, src, t->size);
	for (i = 0; i < t->n; i++) {
		if (t->keys[i].type == CT_LIST) {
			lp = (struct dgcg_conf_list *)(void *)((char *)dst + t->keys[i].off);
			if (lp->n == 0)
				continue;
			v = xcalloc(lp->n, sizeof(*v));
			for (j = 0; j < lp->n; j++)
				v[j] = xstrdup(lp->v[j]);
			lp->v = v;
			continue;
		}
		if (t->keys[i].type != CT_STRING)
			continue;
		sp = (char **)(void *)((char *)dst + t->keys[i].off);
		if (*sp != NULL)
			*sp = xstrdup(*sp);
	}
}

void
dgcg_conf_defaults(struct dgcg_conf *c)
{
	dgcg_conf_tdefaults(&gw_table, c);
}

void
dgcg_conf_free(struct dgcg_conf *c)
{
	dgcg_conf_tfree(&gw_table, c);
}

static void
seterr(char *err, size_t errsz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

/*
 * Reads one line without its newline into buf (CONF_LINE_MAX + 1 bytes).
 * Returns 0 at end of file, 1 for a line; *flags gets 1 for a line too
 * long (the rest is skipped) and 2 for a NUL byte in it.
 */
static int
read_line(FILE *f, char *buf, int *flags)
{
	size_t n = 0;
	int ch, any = 0;

	*flags = 0;
	while ((ch = getc(f)) != EOF) {
		any = 1;
		if (ch == '\n')
			break;
		if (ch == '\0')
			*flags |= 2;
		if (n < CONF_LINE_MAX)
			buf[n++] = (char)ch;
		else
			*flags |= 1;
	}
	buf[n] = '\0';
	return any;
}

static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/*
 * NOTE: c must hold defaults (dgcg_conf_tdefaults) or a previous load. The
 * file is applied to a copy; c changes only when the whole file is good.
 */
enum dgcg_err
dgcg_conf_tload(const struct dgcg_conf_table *tb, const char *path, void *c, char *err,
    size_t errsz)
{
	void *t;
	unsigned long *seen, lineno = 0;
	char line[CONF_LINE_MAX + 1], rbuf[160], pbuf[72];
	char *s, *eq, *key, *val;
	const char *why;
	enum dgcg_err rc = DGCG_ERR_CONFIG;
	FILE *f;
	size_t i;
	int flags;

	if ((f = fopen(path, "re")) == NULL) {
		seterr(err, errsz, "%s: %s", path, strerror(errno));
		return DGCG_ERR_IO;
	}
	seen = xcalloc(tb->n, sizeof(*seen));
	t = xmalloc(tb->size);
	conf_copy(tb, t, c);
	while (read_line(f, line, &flags)) {
		lineno++;
		if (flags & 2) {
			seterr(err, errsz, "%s:%lu: NUL byte in line", path, lineno);
			goto out;
		}
		if (flags & 1) {
			seterr(err, errsz, "%s:%lu: line longer than %d bytes", path,
			    lineno, CONF_LINE_MAX);
			goto out;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if ((eq = strchr(s, '=')) == NULL) {
			seterr(err, errsz, "%s:%lu: %s: missing '='", path, lineno,
			    printable(s, pbuf, sizeof(pbuf)));
			goto out;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (*key == '\0') {
			seterr(err, errsz, "%s:%lu: =: missing key before '='", path, lineno);
			goto out;
		}
		for (i = 0; i < tb->n; i++)
			if (strcmp(key, tb->keys[i].key) == 0)
				break;
		if (i == tb->n) {
			seterr(err, errsz, "%s:%lu: %s: unknown key", path, lineno,
			    printable(key, pbuf, sizeof(pbuf)));
			goto out;
		}
		/* A list key may be repeated: each line adds one value (the
		 * file's first replaces what c had). */
		if (seen[i] != 0 && tb->keys[i].type != CT_LIST) {
			seterr(err, errsz, "%s:%lu: %s: duplicate key (first on line %lu)",
			    path, lineno, key, seen[i]);
			goto out;
		}
		if ((why = set_value(t, &tb->keys[i], val, seen[i] != 0, rbuf,
		    sizeof(rbuf))) != NULL) {
			seterr(err, errsz, "%s:%lu: %s: %s", path, lineno, key, why);
			goto out;
		}
		if (seen[i] == 0)
			seen[i] = lineno;
	}
	if (ferror(f)) {
		seterr(err, errsz, "%s: read error", path);
		rc = DGCG_ERR_IO;
		goto out;
	}
	dgcg_conf_tfree(tb, c);
	memcpy(c, t, tb->size);
	memset(t, 0, tb->size);
	rc = DGCG_OK;
 out:
	dgcg_conf_tfree(tb, t);
	free(t);
	free(seen);
	fclose(f);
	return rc;
}

enum dgcg_err
dgcg_conf_load(const char *path, struct dgcg_conf *c, char *err, size_t errsz)
{
	return dgcg_conf_tload(&gw_table, path, c, err, errsz);
}

enum dgcg_err
dgcg_conf_tset(const struct dgcg_conf_table *tb, void *c, const char *where, const char *key,
    const char *value, int append, char *err, size_t errsz)
{
	char rbuf[160], pbuf[72];
	const char *why;
	size_t i;

	for (i = 0; i < tb->n; i++)
		if (strcmp(key, tb->keys[i].key) == 0)
			break;
	if (i == tb->n) {
		seterr(err, errsz, "%s: %s: unknown key", where, printable(key, pbuf, sizeof(pbuf)));
		return DGCG_ERR_CONFIG;
	}
	if ((why = set_value(c, &tb->keys[i], value, append, rbuf, sizeof(rbuf))) != NULL) {
		seterr(err, errsz, "%s: %s: %s", where, key, why);
		return DGCG_ERR_CONFIG;
	}
	return DGCG_OK;
}

enum dgcg_err
dgcg_conf_tkey(const struct dgcg_conf_table *t, size_t i, struct dgcg_conf_keyinfo *ki)
{
	static const char *const kinds[] = {
		[CT_STRING] = "string",
		[CT_UINT] = "number",
		[CT_SIZE] = "size",
		[CT_BOOL] = "boolean",
		[CT_LIST] = "list",
	};

	if (i >= t->n)
		return DGCG_ERR_NOTFOUND;
	ki->key = t->keys[i].key;
	ki->kind = kinds[t->keys[i].type];
	ki->min = t->keys[i].min;
	ki->max = t->keys[i].max;
	ki->def = t->keys[i].def;
	return DGCG_OK;
}

enum dgcg_err
dgcg_conf_key(size_t i, struct dgcg_conf_keyinfo *ki)
{
	return dgcg_conf_tkey(&gw_table, i, ki);
}

/* Overwrites n bytes in a way the compiler may not drop. */
static void
wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

/*
 * NOTE: a file larger than 4 KiB is refused (EFBIG), as is a first line
 * holding a NUL byte (EINVAL). A trailing "\r\n" or "\n" is removed; an
 * empty file gives "". The caller frees (and should wipe) the result.
 */
char *
dgcg_conf_read_secret(const char *path)
{
	char buf[CONF_SECRET_MAX + 1], *nl, *ret = NULL;
	struct stat st;
	size_t n = 0, len;
	ssize_t r;
	int fd, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1)
		goto out;
	if (S_ISREG(st.st_mode) && st.st_size > CONF_SECRET_MAX) {
		errno = EFBIG;
		goto out;
	}
	/* Read one byte more than allowed to notice a file that grew. */
	while (n < sizeof(buf)) {
		r = read(fd, buf + n, sizeof(buf) - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto out;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > CONF_SECRET_MAX) {
		errno = EFBIG;
		goto out;
	}
	if ((nl = memchr(buf, '\n', n)) != NULL)
		len = (size_t)(nl - buf);
	else
		len = n;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	if (memchr(buf, '\0', len) != NULL) {
		errno = EINVAL;
		goto out;
	}
	ret = xstrndup(buf, len);
 out:
	saved = errno;
	wipe(buf, sizeof(buf));
	close(fd);
	errno = saved;
	return ret;
}
