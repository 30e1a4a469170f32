/* schema.c: dgcg-admin migrate, the schema migrations: runs, in the order
 * of their names, the files NNN_description.sql of sql_dir/migrations whose
 * number is above the highest recorded in schema_version, each recorded
 * there once run (dgcg_db_apply_migration); stops at the first that fails.
 * Prints each file applied and the version reached. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "store/schema_version.h"
#include "worker/gateway.h"
#include "base/xmalloc.h"

#include "admin.h"

static int
mig_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
cmd_migrate(int argc, char *argv[])
{
	struct dgcg_gw gw;
	struct dirent *de;
	char dir[4096], path[4096 + 256], **names = NULL, *sql, *end;
	size_t n = 0, i;
	int rc, cur = 0, applied = 0;
	long num;
	DIR *d;

	if (argc != 1)
		admin_usage();
	if ((rc = admin_open_gw(&gw)) != 0)
		return rc;
	rc = EX_ERROR;
	if (dgcg_db_schema_version(gw.db, &cur) != DGCG_OK) {
		fprintf(stderr, "dgcg-admin: database: %s\n", dgcg_db_error(gw.db));
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s/migrations", gw.conf.sql_dir);
	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "dgcg-admin: %s: %s\n", dir, strerror(errno));
		goto out;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 4 && strcmp(de->d_name + l - 4, ".sql") == 0 &&
		    de->d_name[0] >= '0' && de->d_name[0] <= '9') {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), mig_cmp);
	for (i = 0; i < n; i++) {
		errno = 0;
		num = strtol(names[i], &end, 10);
		if (errno != 0 || *end != '_' || num <= 0 || num > 100000) {
			fprintf(stderr, "dgcg-admin: %s: name must be NNN_description.sql\n", names[i]);
			goto out;
		}
		if (num <= cur)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if ((sql = admin_read_text(path)) == NULL) {
			fprintf(stderr, "dgcg-admin: %s: %s\n", path, strerror(errno));
			goto out;
		}
		if (dgcg_db_apply_migration(gw.db, (int)num, names[i], sql) != DGCG_OK) {
			fprintf(stderr, "dgcg-admin: %s: %s\n", names[i], dgcg_db_error(gw.db));
			free(sql);
			goto out;
		}
		free(sql);
		printf("applied %s\n", names[i]);
		applied++;
		cur = (int)num;
	}
	printf("schema version %d (%d applied)\n", cur, applied);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	dgcg_gw_free(&gw);
	return rc;
}
