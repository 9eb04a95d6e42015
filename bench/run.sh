#!/bin/sh
# SPDX-License-Identifier: MIT
# Run every benchmark: for each bench/bench_NAME.c in the source tree, the
# binary bench_NAME built in BUILD_DIR (`make bench` passes `build`), and for
# each bench/bench_NAME.sh, that script with BUILD_DIR as its argument (the
# benchmarks that drive a server, such as bench_http.sh). Each prints
# "bench: NAME: VALUE UNIT (ratio R vs BASELINE)" lines on stdout. The
# benchmarks run one after another, from the source root, with MUSTER_DATADIR
# pointing at data/ unless already set. A missing binary or a failing
# benchmark makes the script exit 1, after the others have run.
#
# usage: bench/run.sh BUILD_DIR [NAME...]   (NAME: e.g. calendar or http, to run only some)
set -u

if [ $# -lt 1 ]; then
    echo "usage: bench/run.sh BUILD_DIR [NAME...]" >&2
    exit 2
fi
build=$1
shift
srcdir=$(cd "$(dirname "$0")/.." && pwd)
case $build in
/*) ;;
*) build=$(pwd)/$build ;;
esac
cd "$srcdir" || exit 1
: "${MUSTER_DATADIR:=$srcdir/data}"
export MUSTER_DATADIR

status=0
ran=0
for src in bench/bench_*.c bench/bench_*.sh; do
    [ -e "$src" ] || continue
    case $src in
    *.sh) name=$(basename "$src" .sh) ;;
    *) name=$(basename "$src" .c) ;;
    esac
    if [ $# -gt 0 ]; then
        want=no
        for n in "$@"; do
            [ "bench_$n" = "$name" ] && want=yes
        done
        [ $want = yes ] || continue
    fi
    if [ "${src%.sh}" != "$src" ]; then
        echo "== $name"
        if ! sh "$srcdir/$src" "$build"; then
            echo "bench/run.sh: $name failed" >&2
            status=1
        fi
        ran=$((ran + 1))
        continue
    fi
    bin=
    for cand in "$build/$name" "$build/bench/$name"; do
        if [ -x "$cand" ]; then
            bin=$cand
            break
        fi
    done
    if [ -z "$bin" ]; then
        echo "bench/run.sh: $name is not built in $build" >&2
        status=1
        continue
    fi
    echo "== $name"
    if ! "$bin"; then
        echo "bench/run.sh: $name failed" >&2
        status=1
    fi
    ran=$((ran + 1))
done
if [ $ran -eq 0 ] && [ $status -eq 0 ]; then
    echo "bench/run.sh: no benchmark ran" >&2
    status=1
fi
exit $status
