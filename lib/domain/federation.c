/* federation.c: the peer gateway record's rules (federation.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/xmalloc.h"
#include "domain/federation.h"

int
dgcg_fed_api(const char *downloader)
{
	if (downloader == NULL)
		return -1;
	if (strcmp(downloader, DGCG_FED_DL_V1) == 0)
		return 1;
	if (strcmp(downloader, DGCG_FED_DL_V2) == 0)
		return 2;
	if (strcmp(downloader, DGCG_FED_DL_DUMMY) == 0)
		return 0;
	return -1;
}

#define N(s)	((s) != NULL ? (s) : "null")

char *
dgcg_fed_signed_string(const struct dgcg_fg *g)
{
	return xasprintf("%s;%s;%s;%s;%s;%s;%s", N(g->gateway_id), N(g->endpoint), N(g->kid),
	    N(g->public_key), N(g->downloader), N(g->target), N(g->mode));
}

#undef N

enum dgcg_integrity
dgcg_fed_verify(const struct dgcg_ta *ta, const struct dgcg_fg *g, const char **exc)
{
	enum dgcg_integrity r;
	char *s = dgcg_fed_signed_string(g);

	if (exc != NULL)
		*exc = NULL;
	r = dgcg_ta_verify_content(ta, (const unsigned char *)s, strlen(s), g->signature, exc);
	free(s);
	return r;
}

int
dgcg_fed_due(const struct dgcg_fg *g, time_t now)
{
	if (!g->has_interval || g->interval < 0)
		return 0;
	return g->last_download == 0 || now >= g->last_download + (time_t)g->interval;
}

int
dgcg_fed_kid_ok(const char *kid)
{
	size_t n;

	if (kid == NULL || kid[0] == '.' || kid[0] == '\0')
		return 0;
	for (n = 0; kid[n] != '\0'; n++)
		if (!((kid[n] >= 'A' && kid[n] <= 'Z') || (kid[n] >= 'a' && kid[n] <= 'z') ||
		    (kid[n] >= '0' && kid[n] <= '9') || strchr("._-+=", kid[n]) != NULL))
			return 0;
	return n <= 50;
}
