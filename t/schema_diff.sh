#!/usr/bin/env bash
# schema_diff.sh: the differential schema test (see t/schema_diff.py):
# Debian's python3-jsonschema and lib/domain/ruleschema.c (with the reader, patterns and
# dates of lib/base/json.c, regex.c, timefmt.c) must agree on every real
# rule of testdata/rules/ and on at least 2,000 generated mutations.
set -u
src=${DGCG_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=${DGCG_BUILDDIR:-$src}
shared=${DGCG_SHARED:-$src/../shared}
testdata=${DGCG_TESTDATA:-$shared/testdata}
cli=$build/t/ruleschema_cli
schema=$shared/spec/reference/dgc-gateway-validation-rule.schema.json

# Debian's interpreter: python3-jsonschema installs there, not into a
# python3 that another tool put first on PATH.
py=/usr/bin/python3
[[ -x "$py" ]] || py=$(command -v python3)
if ! "$py" -c 'import jsonschema' 2>/dev/null; then
	echo "schema_diff: $py cannot import jsonschema; install python3-jsonschema (deploy/packages)"
	echo "0 passed, 1 failed"
	exit 1
fi
for f in "$cli" "$schema" "$testdata/rules"; do
	if [[ ! -e "$f" ]]; then
		echo "schema_diff: $f is missing"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
if "$py" "$src/t/schema_diff.py" "$schema" "$testdata/rules" "$cli" 2000; then
	echo "1 passed, 0 failed"
	exit 0
fi
echo "0 passed, 1 failed"
exit 1
