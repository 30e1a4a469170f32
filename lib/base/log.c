/* log.c: the design document's key="value" log lines, one write(2) each. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/dgcg.h"
#include "base/log.h"
#include "base/utf8.h"

/*
 * A line is at most LOG_LINE_MAX bytes including its newline. One value is
 * at most LOG_VALUE_MAX bytes after escaping, so a long exception leaves room
 * for the attributes that follow it. A value cut short ends with "..."; a
 * field that no longer fits is dropped together with every later one.
 */
#define LOG_LINE_MAX	(16 * 1024)
#define LOG_VALUE_MAX	(8 * 1024)
#define LOG_KEY_MAX	64
/* Room kept free while writing a value: "..." + '"' + '\n'. */
#define LOG_RESERVE	5

static const char *const level_names[DGCG_LOG__MAX] = {
	[DGCG_LOG_ERROR] = "ERROR",
	[DGCG_LOG_WARN] = "WARN",
	[DGCG_LOG_INFO] = "INFO",
	[DGCG_LOG_DEBUG] = "DEBUG",
};

static int			 log_fd = -1;	/* -1: stderr */
static enum dgcg_log_level	 log_level = DGCG_LOG_INFO;
static char			 log_trace[DGCG_TRACE_MAX + 1];
static char			 log_host[256];
static int			 log_host_done;

/* The line being built. */
struct lbuf {
	char	*p;
	size_t	 len;
	size_t	 cap;		/* excluding the newline's guaranteed room */
	int	 full;		/* a field was dropped: append nothing more */
};

enum dgcg_log_level
dgcg_log_level_parse(const char *s)
{
	int i;

	if (s == NULL)
		return DGCG_LOG__MAX;
	for (i = 0; i < DGCG_LOG__MAX; i++)
		if (strcasecmp(s, level_names[i]) == 0)
			return (enum dgcg_log_level)i;
	return DGCG_LOG__MAX;
}

const char *
dgcg_log_level_name(enum dgcg_log_level l)
{
	if ((unsigned)l >= DGCG_LOG__MAX)
		return NULL;
	return level_names[l];
}

int
dgcg_log_enabled(enum dgcg_log_level l)
{
	return (unsigned)l < DGCG_LOG__MAX && l <= log_level;
}

/*
 * NOTE: on failure the previous destination and level stay in effect.
 * Files are opened O_APPEND so that concurrent workers' lines never
 * overwrite or interleave with each other.
 */
enum dgcg_err
dgcg_log_open(const char *path, enum dgcg_log_level level)
{
	int fd = -1;

	if ((unsigned)level >= DGCG_LOG__MAX)
		return DGCG_ERR_INVAL;
	if (path != NULL && *path != '\0' && strcmp(path, "-") != 0) {
		do
			fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		while (fd == -1 && errno == EINTR);
		if (fd == -1)
			return DGCG_ERR_IO;
	}
	dgcg_log_close();
	log_fd = fd;
	log_level = level;
	return DGCG_OK;
}

/* Goes back to stderr; the level is kept. */
void
dgcg_log_close(void)
{
	if (log_fd != -1)
		close(log_fd);
	log_fd = -1;
}

void
dgcg_log_set_trace(const char *trace_id)
{
	size_t n = 0;
	unsigned char c;

	if (trace_id != NULL) {
		for (; *trace_id != '\0' && n < DGCG_TRACE_MAX; trace_id++) {
			c = (unsigned char)*trace_id;
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '-')
				log_trace[n++] = (char)c;
		}
	}
	log_trace[n] = '\0';
}

static const char *
hostname(void)
{
	if (!log_host_done) {
		if (gethostname(log_host, sizeof(log_host)) != 0)
			log_host[0] = '\0';
		log_host[sizeof(log_host) - 1] = '\0';
		log_host_done = 1;
	}
	return log_host;
}

/* Appends n raw bytes; the caller has checked the room. */
static void
lb_raw(struct lbuf *b, const char *s, size_t n)
{
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/*
 * Appends '"', the escaped value and '"'. Escaped: '"' -> \", '\' -> \\,
 * bytes < 0x20, 0x7f and bytes not part of valid UTF-8 -> \xNN. C1 controls
 * (U+0080..U+009F) are escaped byte by byte too, like the C0 ones.
 */
static void
lb_value(struct lbuf *b, const char *v)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)(v != NULL ? v : "");
	size_t n = strlen((const char *)s), start, u, w, i;
	uint32_t cp;
	char esc[4];
	const char *out;

	lb_raw(b, "\"", 1);
	start = b->len;
	for (i = 0; i < n; i += u) {
		/* u: input bytes consumed; out/w: what goes into the line */
		u = 1;
		if (s[i] == '"' || s[i] == '\\') {
			esc[0] = '\\';
			esc[1] = (char)s[i];
			out = esc;
			w = 2;
		} else if (s[i] >= 0x20 && s[i] < 0x7f) {
			out = (const char *)s + i;
			w = 1;
		} else if (s[i] >= 0x80 && (u = dgcg_utf8_decode(s + i, n - i, &cp)) != 0 &&
		    cp > 0x9f) {
			out = (const char *)s + i;
			w = u;
		} else {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[s[i] >> 4];
			esc[3] = hex[s[i] & 0x0f];
			out = esc;
			w = 4;
			u = 1;
		}
		if (b->len + w + LOG_RESERVE > b->cap ||
		    b->len - start + w > LOG_VALUE_MAX) {
			lb_raw(b, "...", 3);
			break;
		}
		lb_raw(b, out, w);
	}
	lb_raw(b, "\"", 1);
}

/*
 * Appends ", key=" (no comma for the first field) and the quoted value.
 * A key is reduced to [A-Za-z0-9_.-], at most LOG_KEY_MAX bytes.
 */
static void
lb_field(struct lbuf *b, const char *key, const char *value)
{
	char k[LOG_KEY_MAX + 1];
	size_t kl = 0, need;
	unsigned char c;

	if (b->full)
		return;
	for (; key != NULL && *key != '\0' && kl < LOG_KEY_MAX; key++) {
		c = (unsigned char)*key;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')
			k[kl++] = (char)c;
	}
	if (kl == 0)
		k[kl++] = '_';
	/* separator, key, '=', '"', at least the reserve */
	need = (b->len > 0 ? 2 : 0) + kl + 2 + LOG_RESERVE;
	if (b->len + need > b->cap) {
		b->full = 1;
		return;
	}
	if (b->len > 0)
		lb_raw(b, ", ", 2);
	lb_raw(b, k, kl);
	lb_raw(b, "=", 1);
	lb_value(b, value);
}

/* Builds one line, newline included, into line (LOG_LINE_MAX bytes). */
static size_t
format_line(char *line, enum dgcg_log_level l, const char *cls, const char *msg,
    const char *exc, va_list ap)
{
	struct lbuf b = { line, 0, LOG_LINE_MAX - 1, 0 };
	struct timespec ts;
	struct tm tm;
	char tbuf[64], pbuf[32];
	const char *lname, *key, *val;

	if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
		ts.tv_sec = time(NULL);
		ts.tv_nsec = 0;
	}
	if (gmtime_r(&ts.tv_sec, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	snprintf(tbuf, sizeof(tbuf), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, (long)(ts.tv_nsec / 1000000));
	snprintf(pbuf, sizeof(pbuf), "%ld", (long)getpid());
	lname = dgcg_log_level_name(l);

	lb_field(&b, "timestamp", tbuf);
	lb_field(&b, "level", lname != NULL ? lname : "UNKNOWN");
	lb_field(&b, "hostname", hostname());
	lb_field(&b, "pid", pbuf);
	lb_field(&b, "traceId", log_trace);
	lb_field(&b, "spanId", log_trace);
	lb_field(&b, "thread", "main");
	lb_field(&b, "class", cls);
	lb_field(&b, "message", msg);
	lb_field(&b, "exception", exc);
	while ((key = va_arg(ap, const char *)) != NULL) {
		val = va_arg(ap, const char *);
		lb_field(&b, key, val);
	}
	line[b.len++] = '\n';
	return b.len;
}

/*
 * NOTE: the level is checked before anything is formatted. A failed or
 * short write is not reported: logging must never stop a request.
 */
void
dgcg_log(enum dgcg_log_level l, const char *cls, const char *msg, const char *exc, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	size_t len, off = 0;
	ssize_t w;
	int fd, saved = errno;

	if (!dgcg_log_enabled(l))
		return;
	va_start(ap, exc);
	len = format_line(line, l, cls, msg, exc, ap);
	va_end(ap);
	fd = log_fd != -1 ? log_fd : STDERR_FILENO;
	/* One write(2) per line; a short write (pipes) is completed. */
	while (off < len) {
		w = write(fd, line + off, len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	errno = saved;
}

size_t
dgcg_log_format(char *buf, size_t bufsz, enum dgcg_log_level l, const char *cls,
    const char *msg, const char *exc, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	size_t len;

	va_start(ap, exc);
	len = format_line(line, l, cls, msg, exc, ap);
	va_end(ap);
	if (bufsz == 0)
		return 0;
	if (len > bufsz - 1)
		len = bufsz - 1;
	memcpy(buf, line, len);
	buf[len] = '\0';
	return len;
}
