#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian packages muster needs to build and test, quietly and only
# those that are missing. Safe to run repeatedly; a no-op when all are present.
#
#   tools/deps.sh           build + test dependencies
#   tools/deps.sh --browser also Chromium and Node for the browser tests
#   tools/deps.sh --bench   also wrk for the HTTP benchmark
# The options may be combined. Node and npm count as present when the node
# and npm commands exist (a nodejs package from another source, such as
# NodeSource's, ships its own npm that Debian's npm package would conflict
# with).
set -eu

pkgs="build-essential cmake pkg-config git ca-certificates curl openssl tzdata jq unzip
libsqlite3-dev sqlite3 libpq-dev postgresql libmicrohttpd-dev libjansson-dev
libyaml-dev libmd4c-dev libmd4c-html0-dev libsodium-dev libcurl4-openssl-dev
libxlsxwriter-dev libical-dev libcmocka-dev libcairo2-dev libpango1.0-dev
fonts-noto-cjk"
# The test receivers are Python 3 scripts; any python3 on the PATH will do.
command -v python3 >/dev/null 2>&1 || pkgs="$pkgs python3"
for opt in "$@"; do
    case $opt in
    --browser)
        pkgs="$pkgs chromium"
        command -v node >/dev/null 2>&1 || pkgs="$pkgs nodejs"
        command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
        ;;
    --bench) pkgs="$pkgs wrk" ;;
    *)
        echo "usage: tools/deps.sh [--browser] [--bench]" >&2
        exit 2
        ;;
    esac
done

missing=""
for p in $pkgs; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in
        *"install ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "deps: missing packages:$missing (run as root or install them)" >&2
        exit 1
    fi
else
    SUDO=""
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
