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
fi

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
