#!/bin/sh
# SPDX-License-Identifier: MIT
# `make run`: create a demo database from examples/plans if none exists, show
# what the CLI can show, then serve the web UI and API on 127.0.0.1:8080.
# usage: tools/demo.sh MUSTER_BINARY DB [LISTEN]
set -eu
bin=$1
db=$2
listen=${3:-127.0.0.1:8080}
top=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -e "$db" ]; then
    echo "== creating demo database $db from examples/plans"
    "$bin" --db "$db" migrate
    for f in "$top"/examples/plans/*.md; do
        MUSTER_ACTOR=demo "$bin" --db "$db" plan load "$f"
    done
    sh "$top/tools/demo-registers.sh" "$bin" "$db" # sample hazards, drills, resources, contacts
    # Demo accounts, one per role. The password is for this demo database only.
    for acct in "admin admin" "officer officer" "leader leader" "reporter reporter c7-1" "viewer viewer"; do
        set -- $acct
        unit_opt=""
        [ -n "${3:-}" ] && unit_opt="--unit $3"
        # shellcheck disable=SC2086
        echo "muster-demo-2026" | MUSTER_ACTOR=demo "$bin" --db "$db" user add "$1" --role "$2" $unit_opt --password-stdin >/dev/null
    done
fi

echo "== demo accounts (password for each: muster-demo-2026)"
"$bin" --db "$db" user list

echo "== plans in $db"
"$bin" --db "$db" plan list
today=$(TZ=Asia/Shanghai date +%F)
echo "== today ($today, Asia/Shanghai): $("$bin" calendar is-workday "$today")"
echo "== next deadline 15 working days from today: $("$bin" calendar add-workdays "$today" 15)"
echo "== audit log"
"$bin" --db "$db" audit verify
"$bin" --db "$db" audit tail -n 5

if "$bin" help 2>/dev/null | grep -q '^  serve'; then
    echo "== serving on http://$listen/ (Ctrl-C stops)"
    exec "$bin" --db "$db" serve --listen "$listen"
fi
echo "== the web server is not built yet; the commands above are what muster shows today"
