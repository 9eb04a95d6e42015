#!/bin/sh
# The e-mail channel against a real SMTP sink on 127.0.0.1
# (tests/notify/smtp_sink.py): the envelope (MAIL FROM / RCPT TO), the
# headers with the UTF-8 subject as an RFC 2047 encoded word, the Base64
# body decoded back to the text; a 550 recipient fails at once, a 451 one
# is retried; a bad address never reaches the server.
set -eu
tmp=$(mktemp -d)
spid=
cleanup() {
    [ -n "$spid" ] && kill "$spid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export MUSTER_DB="$tmp/muster.db" MUSTER_ACTOR=tester
M=$MUSTER
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() {
    want=$1; shift
    got=$("$@" 2>&1) || fail "'$*' failed: $got"
    [ "$got" = "$want" ] || fail "'$*': want [$want] got [$got]"
}

python3 "$MUSTER_SRCDIR/tests/notify/smtp_sink.py" "$tmp/port" "$tmp/mail" &
spid=$!
i=0
while [ ! -s "$tmp/port" ]; do
    i=$((i + 1)); [ $i -lt 100 ] || fail "smtp sink did not start"; sleep 0.1
done
P=$(cat "$tmp/port")
: >"$tmp/mail"

T0=2023-11-15T06:13:20+08:00
expect "set notify.smtp.url" $M config set notify.smtp.url "smtp://127.0.0.1:$P"
expect "set notify.smtp.from" $M config set notify.smtp.from "应急值班室 <duty@muster.test>"
expect "queued message 1" $M notify send --channel email --to li@example.cn \
    --subject "火警：3号楼" --body "请立即到场。
.一行以点开头" --key e-1 --ref incident:42 --at $T0
expect "claimed 1, sent 1, retried 0, failed 0, deferred 0" $M notify run --once --at $T0
python3 - "$tmp/mail" <<'EOF' || fail "message as received"
import email, email.header, email.policy, json, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(recs) == 1, recs
r = recs[0]
assert r["mail_from"].split(" ")[0] == "<duty@muster.test>", r["mail_from"]
assert r["rcpt_to"] == ["<li@example.cn>"], r["rcpt_to"]
raw = r["data"]
assert "\r\nSubject: =?UTF-8?B?54Gr6K2m77yaM+WPt+alvA==?=\r\n" in raw, raw
assert "\r\nDate: Wed, 15 Nov 2023 06:13:20 +0800\r\n" in raw, raw
msg = email.message_from_string(raw, policy=email.policy.default)
assert str(msg["Subject"]) == "火警：3号楼", msg["Subject"]
assert msg["To"] == "li@example.cn"
assert msg.get_content_type() == "text/plain"
body = msg.get_content()
assert body == "请立即到场。\r\n.一行以点开头" or body == "请立即到场。\n.一行以点开头", repr(body)
EOF

# 550: permanent, one attempt; 451: retried
expect "queued message 2" $M notify send --channel email --to reject@example.cn --subject x --key e-2 --at $T0
expect "queued message 3" $M notify send --channel email --to busy@example.cn --subject y --key e-3 --at $T0
expect "claimed 2, sent 0, retried 1, failed 1, deferred 0" $M notify run --once --at $T0
$M notify show 2 | grep -q '^  1 2023-11-15T06:13:20+08:00 permanent status 550: smtp 550' || fail "550: $($M notify show 2)"
$M notify show 3 | grep -q '^  1 2023-11-15T06:13:20+08:00 retry     status 451: smtp 451' || fail "451: $($M notify show 3)"

# a bad address is refused when sending, without a connection
expect "queued message 4" $M notify send --channel email --to "not an address" --subject z --key e-4 --at $T0
expect "claimed 1, sent 0, retried 0, failed 1, deferred 0" $M notify run --once --at $T0
$M notify show 4 | grep -q 'permanent status 0: bad address: not an e-mail address' || fail "bad address: $($M notify show 4)"
[ "$(wc -l <"$tmp/mail" | tr -d ' ')" = 1 ] || fail "sink got more than one message"
echo "notify smtp: ok"
