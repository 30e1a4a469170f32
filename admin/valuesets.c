/* valuesets.c: dgcg-admin valuesets: load the value sets the gateway serves.
 *
 *   valuesets import PATH...   each PATH a JSON file or a directory (its
 *                              *.json files, sorted); every file must pass
 *                              dgcg_valueset_check, else nothing is stored;
 *                              all are stored in one transaction, each under
 *                              its valueSetId, replacing the stored version
 *   valuesets list             id, valueSetDate and number of values
 *   valuesets delete ID        removes one value set */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "admin.h"
#include "store/db.h"
#include "domain/valuesets.h"
#include "base/xmalloc.h"

struct vsfile {
	char				*path;
	char				*json;
	struct dgcg_valueset_info	 info;
};

struct vslist {
	struct vsfile	*v;
	size_t		 n;
};

static void
add_path(struct vslist *l, const char *path)
{
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	l->v[l->n++].path = xstrdup(path);
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds PATH, or the *.json files of the directory PATH. */
static int
collect(struct vslist *l, const char *path)
{
	struct stat sb;
	struct dirent *de;
	DIR *d;
	char **names = NULL, *full;
	size_t n = 0, i, len;

	if (stat(path, &sb) != 0) {
		fprintf(stderr, "dgcg-admin: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode)) {
		add_path(l, path);
		return 0;
	}
	if ((d = opendir(path)) == NULL) {
		fprintf(stderr, "dgcg-admin: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 6 || de->d_name[0] == '.' || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr, "dgcg-admin: %s: no *.json files\n", path);
		free(names);
		return -1;
	}
	qsort(names, n, sizeof(*names), namecmp);
	for (i = 0; i < n; i++) {
		full = xasprintf("%s/%s", path, names[i]);
		if (stat(full, &sb) == 0 && S_ISREG(sb.st_mode))
			add_path(l, full);
		free(full);
		free(names[i]);
	}
	free(names);
	return 0;
}

static void
vslist_free(struct vslist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].json);
		dgcg_valueset_info_clear(&l->v[i].info);
	}
	free(l->v);
}


struct import_work {
	const struct vslist	*l;
	int			*was;	/* per file: 0 new, 1 replaced, 2 unchanged */
};

/* Every value set of the import, in one transaction. */
static enum dgcg_err
import_work(struct dgcg_db *db, void *arg)
{
	const struct import_work *w = arg;
	enum dgcg_err rc = DGCG_OK;
	size_t i;

	for (i = 0; i < w->l->n && rc == DGCG_OK; i++)
		rc = dgcg_valueset_store(db, w->l->v[i].info.id, w->l->v[i].json, &w->was[i]);
	return rc;
}

static int
vs_import(int argc, char *argv[])
{
	struct vslist l = { NULL, 0 };
	struct dgcg_gw gw;
	enum dgcg_err rc = DGCG_OK;
	char why[2048];
	size_t i, j, flen = 0;
	struct import_work w;
	int ret = 0, refused = 0, opened = 0;

	if (argc < 1)
		admin_usage();
	for (i = 0; i < (size_t)argc; i++)
		if (collect(&l, argv[i]) != 0) {
			ret = EX_ERROR;
			goto out;
		}
	/* Check everything before storing anything. */
	for (i = 0; i < l.n; i++) {
		struct vsfile *f = &l.v[i];

		errno = 0;
		if ((f->json = admin_read_file(f->path, DGCG_VALUESET_MAX, &flen)) == NULL) {
			fprintf(stderr, "dgcg-admin: %s: %s\n", f->path, strerror(errno));
			ret = EX_ERROR;
			goto out;
		}
		if (flen > DGCG_VALUESET_MAX)
			snprintf(why, sizeof(why), "larger than %d bytes", DGCG_VALUESET_MAX);
		else if (memchr(f->json, '\0', flen) != NULL)
			snprintf(why, sizeof(why), "contains NUL bytes");
		else if (dgcg_valueset_check(f->json, flen, &f->info, why, sizeof(why)) == DGCG_OK)
			why[0] = '\0';
		if (why[0] != '\0') {
			fprintf(stderr, "dgcg-admin: refused: %s is not a value set of "
			    "DCC.ValueSets.schema.json: %s\n", f->path, why);
			dgcg_valueset_info_clear(&f->info);
			refused++;
			continue;
		}
		for (j = 0; j < i; j++)
			if (l.v[j].info.id != NULL && strcasecmp(l.v[j].info.id, f->info.id) == 0) {
				fprintf(stderr, "dgcg-admin: refused: %s and %s both hold "
				    "valueSetId %s\n", l.v[j].path, f->path, f->info.id);
				refused++;
			}
	}
	if (refused) {
		fprintf(stderr, "dgcg-admin: nothing imported (%d refused)\n", refused);
		ret = EX_REFUSED;
		goto out;
	}
	if ((ret = admin_open_gw(&gw)) != 0)
		goto out;
	opened = 1;
	w.l = &l;
	w.was = xcalloc(l.n + 1, sizeof(*w.was));
	rc = dgcg_db_tx(gw.db, import_work, &w);
	if (rc != DGCG_OK) {
		free(w.was);
		goto dberr;
	}
	for (i = 0; i < l.n; i++) {
		struct vsfile *f = &l.v[i];

		printf("%s %s (valueSetDate %s, %zu values) from %s\n",
		    w.was[i] == 0 ? "imported" : w.was[i] == 1 ? "replaced" : "unchanged",
		    f->info.id, f->info.date, f->info.nvalues, f->path);
	}
	free(w.was);
	printf("%zu value sets stored\n", l.n);
	goto out;
dberr:
	fprintf(stderr, "dgcg-admin: database: %s (nothing imported)\n", dgcg_db_error(gw.db));
	ret = EX_ERROR;
out:
	if (opened)
		dgcg_gw_free(&gw);
	vslist_free(&l);
	return ret;
}

static int
vs_list(void)
{
	struct dgcg_gw gw;
	struct dgcg_valueset_info vi;
	char **ids = NULL, *json;
	size_t n = 0, i, len;
	int ret;

	if ((ret = admin_open_gw(&gw)) != 0)
		return ret;
	if (dgcg_valuesets_ids(gw.db, &ids, &n) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		dgcg_gw_free(&gw);
		return EX_ERROR;
	}
	for (i = 0; i < n; i++) {
		if (dgcg_valueset_get(gw.db, ids[i], &json, &len) == DGCG_OK) {
			if (dgcg_valueset_check(json, len, &vi, NULL, 0) == DGCG_OK)
				printf("%s %s %zu\n", ids[i], vi.date, vi.nvalues);
			else
				printf("%s - - (stored document does not pass the schema)\n", ids[i]);
			dgcg_valueset_info_clear(&vi);
			free(json);
		}
		free(ids[i]);
	}
	free(ids);
	dgcg_gw_free(&gw);
	return 0;
}

static int
vs_delete(const char *id)
{
	struct dgcg_gw gw;
	enum dgcg_err rc;
	int ret;

	if ((ret = admin_open_gw(&gw)) != 0)
		return ret;
	rc = dgcg_valueset_delete(gw.db, id);
	if (rc == DGCG_ERR_NOTFOUND) {
		fprintf(stderr, "dgcg-admin: no value set %s\n", id);
		ret = EX_REFUSED;
	} else if (rc != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		ret = EX_ERROR;
	} else
		printf("deleted %s\n", id);
	dgcg_gw_free(&gw);
	return ret;
}

int
cmd_valuesets(int argc, char *argv[])
{
	/* argv[0] is "valuesets" */
	if (argc < 2)
		admin_usage();
	if (strcmp(argv[1], "import") == 0)
		return vs_import(argc - 2, argv + 2);
	if (strcmp(argv[1], "list") == 0 && argc == 2)
		return vs_list();
	if (strcmp(argv[1], "delete") == 0 && argc == 3)
		return vs_delete(argv[2]);
	admin_usage();
}
