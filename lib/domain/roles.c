/* roles.c: role names. */
#include "config.h"

#include <strings.h>

#include "domain/roles.h"

static const char *const role_names[DGCG_ROLE__MAX] = {
	[DGCG_ROLE_READER] = "REVOCATION_LIST_READER",
	[DGCG_ROLE_UPLOADER] = "REVOCATION_UPLOADER",
	[DGCG_ROLE_DELETER] = "REVOCATION_DELETER",
};

const char *
dgcg_role_name(enum dgcg_role r)
{
	if ((unsigned)r >= DGCG_ROLE__MAX)
		return NULL;
	return role_names[r];
}

enum dgcg_role
dgcg_role_parse(const char *s)
{
	int i;

	if (s == NULL)
		return DGCG_ROLE__MAX;
	for (i = 0; i < DGCG_ROLE__MAX; i++)
		if (strcasecmp(s, role_names[i]) == 0)
			return (enum dgcg_role)i;
	return DGCG_ROLE__MAX;
}
