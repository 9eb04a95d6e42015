#!/bin/sh
# The functional core does no I/O: no files, sockets, clock, environment or
# printing in src/core (house style, section 1).
set -eu
cd "$MUSTER_SRCDIR"
hits=$(grep -nE '\b(fopen|open|socket|getenv|time|clock_gettime|gettimeofday|printf|fprintf|puts|system|popen)\s*\(' src/core/*.c src/core/*.h 2>/dev/null \
       | grep -vE '^\S+:[0-9]+:\s*(\*|/\*|//)' | grep -v 'snprintf\|vsnprintf' || true)
if [ -n "$hits" ]; then
    echo "I/O in src/core:" >&2
    echo "$hits" >&2
    exit 1
fi
echo "src/core is free of I/O"
