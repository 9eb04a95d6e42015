#!/bin/sh
# SPDX-License-Identifier: MIT
# docs/openapi.yaml describes every route the server registers: each line of
# `muster serve --print-routes` ("GET /api/v1/health") must appear as an
# operation under `paths:`, and every operation documented there must be a
# registered route (no stale entries). The YAML is read with awk, relying on
# the file's two-space indentation: paths at 2 spaces, methods at 4.
set -eu

. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 042-openapi-routes

doc="$MUSTER_SRCDIR/docs/openapi.yaml"
[ -f "$doc" ] || t_fail "missing $doc"
grep -q '^openapi: 3\.0\.[0-9]*$' "$doc" || t_fail "$doc does not declare 'openapi: 3.0.x'"

"$MUSTER" serve --print-routes >"$T_TMP/routes" || t_fail "'muster serve --print-routes' failed"
[ -s "$T_TMP/routes" ] || t_fail "'muster serve --print-routes' printed nothing"
grep -Evq '^(GET|POST|PUT|PATCH|DELETE) /[^ ]*$' "$T_TMP/routes" &&
    t_fail "unexpected --print-routes line: $(grep -Ev '^(GET|POST|PUT|PATCH|DELETE) /[^ ]*$' "$T_TMP/routes" | head -n 1)"

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
' "$doc" | sort >"$T_TMP/documented"
sort "$T_TMP/routes" >"$T_TMP/registered"

missing=$(comm -23 "$T_TMP/registered" "$T_TMP/documented")
[ -z "$missing" ] || t_fail "routes missing from docs/openapi.yaml:
$missing"
stale=$(comm -13 "$T_TMP/registered" "$T_TMP/documented")
[ -z "$stale" ] || t_fail "operations in docs/openapi.yaml that no route serves:
$stale"

# The shared components later list routes refer to exist.
for c in 'schemas:' '    Error:' '    Limit:' '    Cursor:'; do
    grep -q "^  *${c# *}" "$doc" || t_fail "docs/openapi.yaml lacks component '$c'"
done

t_done "($(wc -l <"$T_TMP/registered") routes)"
