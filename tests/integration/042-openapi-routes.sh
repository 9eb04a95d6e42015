#!/bin/sh
# SPDX-License-Identifier: MIT
# docs/openapi.yaml describes every route the server registers: each line of
# `muster serve --print-routes` ("GET /api/v1/health") must appear as an
# operation under `paths:`, and every operation documented there must be a
# registered route (no stale entries). The YAML is read with awk, relying on
# the file's two-space indentation: paths at 2 spaces, methods at 4.
set -eu

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM HUP

fail() {
    echo "042-openapi-routes: FAIL: $*" >&2
    exit 1
}

doc="$MUSTER_SRCDIR/docs/openapi.yaml"
[ -f "$doc" ] || fail "missing $doc"
grep -q '^openapi: 3\.0\.[0-9]*$' "$doc" || fail "$doc does not declare 'openapi: 3.0.x'"

"$MUSTER" serve --print-routes >"$TMP/routes" || fail "'muster serve --print-routes' failed"
[ -s "$TMP/routes" ] || fail "'muster serve --print-routes' printed nothing"
grep -Evq '^(GET|POST|PUT|PATCH|DELETE) /[^ ]*$' "$TMP/routes" &&
    fail "unexpected --print-routes line: $(grep -Ev '^(GET|POST|PUT|PATCH|DELETE) /[^ ]*$' "$TMP/routes" | head -n 1)"

awk '
    /^[^ #]/ { in_paths = ($0 ~ /^paths:[ ]*$/); path = ""; next }
    !in_paths { next }
    /^  [^ #]/ {
        p = $0
        sub(/^  /, "", p); sub(/:[ ]*$/, "", p); gsub(/["'\'']/, "", p)
        path = p
        next
    }
    /^    (get|put|post|delete|patch|head|options):/ && path != "" {
        m = $0
        sub(/^    /, "", m); sub(/:.*$/, "", m)
        print toupper(m) " " path
    }
' "$doc" | sort >"$TMP/documented"
sort "$TMP/routes" >"$TMP/registered"

missing=$(comm -23 "$TMP/registered" "$TMP/documented")
[ -z "$missing" ] || fail "routes missing from docs/openapi.yaml:
$missing"
stale=$(comm -13 "$TMP/registered" "$TMP/documented")
[ -z "$stale" ] || fail "operations in docs/openapi.yaml that no route serves:
$stale"

# The shared components later list routes refer to exist.
for c in 'schemas:' '    Error:' '    Limit:' '    Cursor:'; do
    grep -q "^  *${c# *}" "$doc" || fail "docs/openapi.yaml lacks component '$c'"
done

echo "042-openapi-routes: ok ($(wc -l <"$TMP/registered") routes)"
