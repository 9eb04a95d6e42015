#!/bin/sh
# SPDX-License-Identifier: MIT
# Run a command with a private PostgreSQL 15 cluster: initdb in a temporary
# directory, listening only on 127.0.0.1 on a free port (unix socket in the
# temporary directory), one database, MUSTER_TEST_PG_DSN exported. The
# cluster is stopped and the directory removed whatever happens; the exit
# status is the command's.
#
#   tests/with-pg.sh CMD [ARGS...]
#
# As root, the server runs as the 'postgres' user. PGBIN overrides the
# directory of initdb and pg_ctl.
set -eu

if [ $# -eq 0 ]; then
    echo "usage: tests/with-pg.sh CMD [ARGS...]" >&2
    exit 2
fi

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
for tool in initdb pg_ctl createdb; do
    if [ ! -x "$PGBIN/$tool" ]; then
        echo "with-pg: $PGBIN/$tool not found (install postgresql-15, or set PGBIN)" >&2
        exit 1
    fi
done

dir=$(mktemp -d "${TMPDIR:-/tmp}/muster-pg.XXXXXX")
data="$dir/data"
sock="$dir/sock"
started=0

as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd "$dir" && runuser -u postgres -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

cleanup() {
    status=$?
    trap - EXIT INT TERM
    if [ "$started" -eq 1 ] || [ -f "$data/postmaster.pid" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir "$sock"
# A random password so that other local users cannot use the cluster.
password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" >"$dir/pwfile"
if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres "$dir"
fi
chmod 700 "$dir"

if ! as_pg "$PGBIN/initdb" -D "$data" -U muster --pwfile="$dir/pwfile" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1; then
    echo "with-pg: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    exit 1
fi
rm -f "$dir/pwfile"

# Pick a port; when another process holds it, pick again.
port=""
tries=0
while [ -z "$port" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 20 ]; then
        echo "with-pg: could not start PostgreSQL:" >&2
        cat "$dir/server.log" >&2 2>/dev/null || true
        exit 1
    fi
    try=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 30000 + 20000 ))
    : >"$dir/server.log"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir/server.log"
    if as_pg "$PGBIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $try -k $sock -c fsync=off \
            -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null 2>&1; then
        port=$try
        started=1
    elif grep -q -i -e 'address already in use' -e 'could not create lock file' \
        "$dir/server.log"; then
        continue
    else
        echo "with-pg: PostgreSQL did not start:" >&2
        cat "$dir/server.log" >&2
        exit 1
    fi
done

db=muster_test
if ! as_pg "$PGBIN/createdb" -h "$sock" -p "$port" -U muster "$db" >"$dir/createdb.log" 2>&1
then
    echo "with-pg: createdb failed:" >&2
    cat "$dir/createdb.log" >&2
    exit 1
fi

MUSTER_TEST_PG_DSN="postgres://muster:$password@127.0.0.1:$port/$db"
export MUSTER_TEST_PG_DSN
echo "with-pg: PostgreSQL 15 on 127.0.0.1:$port (database $db)" >&2

set +e
"$@"
rc=$?
set -e
exit "$rc"
