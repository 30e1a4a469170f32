/* xmalloc.h: allocation that logs and exits on out-of-memory.
 * A worker that cannot allocate is restarted by its supervisor; no caller
 * needs to handle NULL from these. */
#ifndef DGCG_XMALLOC_H
#define DGCG_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Copies at most n bytes of s and NUL-terminates. */
char *xstrndup(const char *s, size_t n);
/* Like asprintf(3); the result is the caller's to free. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
