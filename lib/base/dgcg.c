/* dgcg.c: error texts and certificate type names. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "base/dgcg.h"

static const char *const errtext[DGCG_ERR__MAX] = {
	[DGCG_OK] = "success",
	[DGCG_ERR_NOMEM] = "out of memory",
	[DGCG_ERR_INVAL] = "invalid argument",
	[DGCG_ERR_PARSE] = "parse error",
	[DGCG_ERR_VERIFY] = "verification failed",
	[DGCG_ERR_NOTFOUND] = "not found",
	[DGCG_ERR_CONFLICT] = "already exists",
	[DGCG_ERR_DB] = "database error",
	[DGCG_ERR_IO] = "input/output error",
	[DGCG_ERR_CONFIG] = "configuration error",
	[DGCG_ERR_LIMIT] = "size limit exceeded",
	[DGCG_ERR_POLICY] = "refused by policy",
};

static const char *const ctname[DGCG_CT__MAX] = {
	[DGCG_CT_AUTHENTICATION] = "AUTHENTICATION",
	[DGCG_CT_UPLOAD] = "UPLOAD",
	[DGCG_CT_CSCA] = "CSCA",
	[DGCG_CT_DSC] = "DSC",
};

const char *
dgcg_strerror(enum dgcg_err err)
{
	if ((unsigned)err >= DGCG_ERR__MAX)
		return "unknown error";
	return errtext[err];
}

const char *
dgcg_cert_type_name(enum dgcg_cert_type t)
{
	if ((unsigned)t >= DGCG_CT__MAX)
		return NULL;
	return ctname[t];
}

enum dgcg_cert_type
dgcg_cert_type_parse(const char *s)
{
	int i;

	if (s == NULL)
		return DGCG_CT__MAX;
	for (i = 0; i < DGCG_CT__MAX; i++)
		if (strcasecmp(s, ctname[i]) == 0)
			return (enum dgcg_cert_type)i;
	return DGCG_CT__MAX;
}

static const char *const gname[DGCG_G__MAX] = {
	[DGCG_G_AUTHENTICATION] = "AUTHENTICATION",
	[DGCG_G_UPLOAD] = "UPLOAD",
	[DGCG_G_CSCA] = "CSCA",
	[DGCG_G_AUTHENTICATION_FEDERATION] = "AUTHENTICATION_FEDERATION",
	[DGCG_G_TRUSTANCHOR] = "TRUSTANCHOR",
	[DGCG_G_DECA] = "DECA",
	[DGCG_G_DSC] = "DSC",
	[DGCG_G_DESC] = "DESC",
	[DGCG_G_SIGN] = "SIGN",
	[DGCG_G_AUTH] = "AUTH",
	[DGCG_G_CUSTOM] = "CUSTOM",
};

const char *
dgcg_group_name(enum dgcg_group g)
{
	if ((unsigned)g >= DGCG_G__MAX)
		return NULL;
	return gname[g];
}

enum dgcg_group
dgcg_group_parse(const char *s)
{
	int i;

	if (s == NULL)
		return DGCG_G__MAX;
	for (i = 0; i < DGCG_G__MAX; i++)
		if (strcmp(s, gname[i]) == 0)
			return (enum dgcg_group)i;
	return DGCG_G__MAX;
}

enum dgcg_group
dgcg_group_parse_ci(const char *s)
{
	int i;

	if (s == NULL)
		return DGCG_G__MAX;
	for (i = 0; i < DGCG_G__MAX; i++)
		if (strcasecmp(s, gname[i]) == 0)
			return (enum dgcg_group)i;
	return DGCG_G__MAX;
}

int
dgcg_group_is_party(enum dgcg_group g)
{
	return (unsigned)g <= DGCG_G_DECA;
}

int
dgcg_group_is_signer(enum dgcg_group g)
{
	return g >= DGCG_G_DSC && g < DGCG_G__MAX;
}
