/* log.h: the design document's key=value log format.
 *
 * Every line starts with the mandatory fields, in this order:
 *   timestamp="2026-11-22T07:14:23.123Z", level=INFO, hostname=..., pid=...,
 *   traceId=..., spanId=..., thread=main, class=..., message="...", exception=""
 * followed by the event's additional attributes as key="value".
 * Every value is quoted and escaped (", \ and bytes < 0x20 or 0x7f become
 * \" \\ \xNN), so nothing a client sends can end a line or forge a field.
 * A line is written with one write(2) on an O_APPEND descriptor, so lines of
 * concurrent workers never interleave. */
#ifndef DGCG_LOG_H
#define DGCG_LOG_H

#include "base/dgcg.h"

enum dgcg_log_level {
	DGCG_LOG_ERROR = 0,
	DGCG_LOG_WARN,
	DGCG_LOG_INFO,
	DGCG_LOG_DEBUG,
	DGCG_LOG__MAX
};

/* Opens path for appending (NULL or "-" means stderr) and sets the level.
 * May be called again to reopen. */
enum dgcg_err dgcg_log_open(const char *path, enum dgcg_log_level level);
void dgcg_log_close(void);

/* Parses "ERROR", "WARN", "INFO", "DEBUG" (any case); DGCG_LOG__MAX if unknown. */
enum dgcg_log_level dgcg_log_level_parse(const char *s);
const char *dgcg_log_level_name(enum dgcg_log_level l);

/* Returns 1 when lines at level l are written. */
int dgcg_log_enabled(enum dgcg_log_level l);

/* Sets the traceId (and spanId) of the lines that follow; NULL or "" clears
 * it. Only [A-Za-z0-9-] are kept, at most DGCG_TRACE_MAX characters. */
void dgcg_log_set_trace(const char *trace_id);

/* Writes one line. cls is the "class" field (module name), msg the message,
 * exc the exception field (may be NULL). The variadic part is pairs of
 * (const char *key, const char *value) ended by a single NULL key; a NULL
 * value is written as "". Keys must be literal identifiers. */
void dgcg_log(enum dgcg_log_level l, const char *cls, const char *msg, const char *exc, ...)
	__attribute__((sentinel));

/* Formats one line into buf (for tests); same arguments as dgcg_log after
 * the buffer. Returns the length written (excluding NUL), truncated to
 * bufsz - 1. Contains the trailing newline. */
size_t dgcg_log_format(char *buf, size_t bufsz, enum dgcg_log_level l, const char *cls,
	const char *msg, const char *exc, ...) __attribute__((sentinel));

#endif
