#!/bin/sh
# The notification outbox against a real HTTP receiver on 127.0.0.1
# (tests/notify/receiver.py): the exact requests of the generic webhook and
# the WeCom, DingTalk (signed query) and Feishu (signed body) robots and the
# SMS gateway, signatures recomputed here from the timestamp the receiver
# recorded; idempotent enqueue; retries with backoff after 500 and 429 on a
# virtual clock (`notify run --once --at`); final failure after the last
# attempt; a permanent platform error that is not retried; a timeout; the
# WeCom rate limit (the 21st message in a minute is deferred); and secrets
# kept out of listings and the audit log.
set -eu
tmp=$(mktemp -d)
rpid=
cleanup() {
    [ -n "$rpid" ] && kill "$rpid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export MUSTER_DB="$tmp/muster.db" MUSTER_ACTOR=tester
M=$MUSTER
fail() { echo "FAIL: $*" >&2; exit 1; }

python3 "$MUSTER_SRCDIR/tests/notify/receiver.py" "$tmp/port" "$tmp/log" "$tmp/script" &
rpid=$!
i=0
while [ ! -s "$tmp/port" ]; do
    i=$((i + 1)); [ $i -lt 100 ] || fail "receiver did not start"; sleep 0.1
done
P=$(cat "$tmp/port")
B="http://127.0.0.1:$P"
: >"$tmp/log"

# expect "WANT" CMD...: run and compare stdout exactly
expect() {
    want=$1; shift
    got=$("$@" 2>&1) || fail "'$*' failed: $got"
    [ "$got" = "$want" ] || fail "'$*': want [$want] got [$got]"
}
# nreq: number of requests the receiver has seen
nreq() { wc -l <"$tmp/log" | tr -d ' '; }
# last request as JSON, checked by a Python expression over r (the record)
check_last() {
    python3 - "$tmp/log" "$1" <<'EOF' || fail "request check: $1"
import json, sys, hmac, hashlib, base64, urllib.parse
r = json.loads(open(sys.argv[1], encoding="utf-8").read().splitlines()[-1])
ok = eval(sys.argv[2])
if not ok:
    print("request was:", json.dumps(r, ensure_ascii=False), file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}

T0=2023-11-15T06:13:20+08:00   # 1700000000000 ms: the vectors' timestamp

# --- generic webhook: exact body
expect "queued message 1" $M notify send --channel webhook --to "$B/hook/generic?x=1" \
    --subject "火警 3号楼" --body "请立即到场" --key w-1 --ref incident:42 --person li-ming --at $T0
expect "message 1 already queued with key 'w-1'" $M notify send --channel webhook \
    --to "$B/other" --subject other --key w-1 --at $T0
expect "claimed 1, sent 1, retried 0, failed 0, deferred 0" $M notify run --once --at $T0
check_last 'r["method"] == "POST" and r["path"] == "/hook/generic" and r["rawquery"] == "x=1" and r["headers"]["content-type"] == "application/json; charset=utf-8" and r["body"] == "{\"subject\":\"火警 3号楼\",\"body\":\"请立即到场\",\"ref\":\"incident:42\",\"person\":\"li-ming\",\"key\":\"w-1\"}"'
[ "$(nreq)" = 1 ] || fail "idempotent enqueue sent $(nreq) requests"
expect "claimed 0, sent 0, retried 0, failed 0, deferred 0" $M notify run --once --at $T0

# --- WeCom robot from the organization's settings, with mentions
expect "set notify.wecom.webhook" $M config set notify.wecom.webhook "$B/cgi-bin/webhook/send?key=WECOMKEY"
expect "queued message 2" $M notify send --channel wecom --subject "火警" --body "3号楼" \
    --mention LiMing --mention-mobile 13800000001 --key wc-1 --at $T0
expect "claimed 1, sent 1, retried 0, failed 0, deferred 0" $M notify run --once --at $T0
check_last 'r["path"] == "/cgi-bin/webhook/send" and r["query"] == {"key": "WECOMKEY"} and r["body"] == "{\"msgtype\":\"text\",\"text\":{\"content\":\"火警\\n3号楼\",\"mentioned_list\":[\"LiMing\"],\"mentioned_mobile_list\":[\"13800000001\"]}}"'

# --- DingTalk robot, signed: the vector of group-robots.md, then recomputed
$M config set notify.dingtalk.webhook "$B/robot/send?access_token=DTOKEN" >/dev/null
$M config set notify.dingtalk.secret SECtestsecret0123456789 >/dev/null
expect "queued message 3" $M notify send --channel dingtalk --subject "火警" --body "3号楼" \
    --mention-mobile 13800000001 --key dt-1 --at $T0
expect "claimed 1, sent 1, retried 0, failed 0, deferred 0" $M notify run --once --at $T0
check_last 'r["rawquery"] == "access_token=DTOKEN&timestamp=1700000000000&sign=zrLWzK97t62y5CpqN8Ok9UIdPvX%2BjL1PNoW8nKT5a9k%3D" and r["body"] == "{\"msgtype\":\"text\",\"text\":{\"content\":\"火警\\n3号楼 @13800000001\"},\"at\":{\"atMobiles\":[\"13800000001\"],\"isAtAll\":false}}"'
T1=2026-02-16T02:10:07+08:00
expect "queued message 4" $M notify send --channel dingtalk --subject "s" --key dt-2 --at $T1
expect "claimed 1, sent 1, retried 0, failed 0, deferred 0" $M notify run --once --at $T1
check_last 'r["query"]["timestamp"] == "1771179007000" and r["query"]["sign"] == base64.b64encode(hmac.new(b"SECtestsecret0123456789", (r["query"]["timestamp"] + "\nSECtestsecret0123456789").encode(), hashlib.sha256).digest()).decode() and urllib.parse.quote(r["query"]["sign"], safe="") in r["rawquery"]'

# --- Feishu bot, signed in the body
$M config set notify.feishu.webhook "$B/open-apis/bot/v2/hook/FTOKEN" >/dev/null
$M config set notify.feishu.secret testsecret0123456789 >/dev/null
expect "queued message 5" $M notify send --channel feishu --subject "火警" --body "3号楼" --key fs-1 --at $T0
expect "claimed 1, sent 1, retried 0, failed 0, deferred 0" $M notify run --once --at $T0
check_last 'r["path"] == "/open-apis/bot/v2/hook/FTOKEN" and r["body"] == "{\"timestamp\":\"1700000000\",\"sign\":\"LdoES5/4RBBnLX70aU1OVYfzo6p+0m723NJ7oBZs1tw=\",\"msg_type\":\"text\",\"content\":{\"text\":\"火警\\n3号楼\"}}"'
expect "queued message 6" $M notify send --channel feishu --subject "s" --key fs-2 --at $T1
expect "claimed 1, sent 1, retried 0, failed 0, deferred 0" $M notify run --once --at $T1
check_last 'json.loads(r["body"])["timestamp"] == "1771179007" and json.loads(r["body"])["sign"] == base64.b64encode(hmac.new(("%s\ntestsecret0123456789" % json.loads(r["body"])["timestamp"]).encode(), b"", hashlib.sha256).digest()).decode()'

# --- SMS gateway: JSON template, values escaped; URL placeholders encoded
$M config set notify.sms.url "$B/sms/send?to={phone}" >/dev/null
$M config set notify.sms.template '{"phone":"{phone}","text":"{text}","sign":"muster"}' >/dev/null
expect "queued message 7" $M notify send --channel sms --to "+86 13800000001" \
    --subject 'say "hi"' --body 'a\b' --key sms-1 --at $T0
expect "claimed 1, sent 1, retried 0, failed 0, deferred 0" $M notify run --once --at $T0
check_last 'r["rawquery"] == "to=%2B86%2013800000001" and json.loads(r["body"]) == {"phone": "+86 13800000001", "text": "say \"hi\"\na\\b", "sign": "muster"}'

# --- retries with backoff after 500 and 429, then success
R0=2026-03-01T10:00:00+08:00
expect "queued message 8" $M notify send --channel webhook --to "$B/retry" --subject r --key r-1 --at $R0
echo 500 >"$tmp/script"
expect "claimed 1, sent 0, retried 1, failed 0, deferred 0" $M notify run --once --at $R0 --seed 7
# due 30 s later plus at most 6 s of jitter: not at +29 s, surely at +36 s
expect "claimed 0, sent 0, retried 0, failed 0, deferred 0" $M notify run --once --at 2026-03-01T10:00:29+08:00
$M notify show 8 --json | python3 -c '
import json, sys
m = json.load(sys.stdin)
assert m["state"] == "pending" and m["attempts"] == 1, m
assert "2026-03-01T10:00:30+08:00" <= m["next_attempt_at"] <= "2026-03-01T10:00:36+08:00", m["next_attempt_at"]
assert m["history"][0]["outcome"] == "retry" and m["history"][0]["status"] == 500, m
' || fail "retry after 500"
echo 429 >"$tmp/script"
expect "claimed 1, sent 0, retried 1, failed 0, deferred 0" $M notify run --once --at 2026-03-01T10:00:36+08:00
# second backoff: 60 s plus at most 12 s
expect "claimed 0, sent 0, retried 0, failed 0, deferred 0" $M notify run --once --at 2026-03-01T10:01:35+08:00
expect "claimed 1, sent 1, retried 0, failed 0, deferred 0" $M notify run --once --at 2026-03-01T10:01:48+08:00
$M notify show 8 >"$tmp/show"
grep -q '^state:    sent$' "$tmp/show" || fail "message 8 not sent: $(cat "$tmp/show")"
grep -q '^  1 2026-03-01T10:00:00+08:00 retry     status 500: http 500 ' "$tmp/show" || fail "attempt 1: $(cat "$tmp/show")"
grep -q '^  2 2026-03-01T10:00:36+08:00 retry     status 429: http 429 ' "$tmp/show" || fail "attempt 2: $(cat "$tmp/show")"
grep -q '^  3 2026-03-01T10:01:48+08:00 ok        status 200 ' "$tmp/show" || fail "attempt 3: $(cat "$tmp/show")"

# --- final failure after the last attempt (--max-attempts 3)
F0=2026-03-02T10:00:00+08:00
expect "queued message 9" $M notify send --channel webhook --to "$B/down" --subject f --key f-1 --max-attempts 3 --at $F0
printf '503\n503\n503\n' >"$tmp/script"
expect "claimed 1, sent 0, retried 1, failed 0, deferred 0" $M notify run --once --at $F0
expect "claimed 1, sent 0, retried 1, failed 0, deferred 0" $M notify run --once --at 2026-03-02T10:01:00+08:00
expect "claimed 1, sent 0, retried 0, failed 1, deferred 0" $M notify run --once --at 2026-03-02T10:05:00+08:00
expect "claimed 0, sent 0, retried 0, failed 0, deferred 0" $M notify run --once --at 2026-03-02T12:00:00+08:00
$M notify show 9 | grep -q '^error:    http 503 (after 3 attempts)$' || fail "final failure: $($M notify show 9)"

# --- permanent platform error: no retry
n=$(nreq)
expect "queued message 10" $M notify send --channel dingtalk --subject p --key p-1 --at $F0
echo '200 {"errcode":310000,"errmsg":"sign not match"}' >"$tmp/script"
expect "claimed 1, sent 0, retried 0, failed 1, deferred 0" $M notify run --once --at $F0
expect "claimed 0, sent 0, retried 0, failed 0, deferred 0" $M notify run --once --at 2026-03-02T13:00:00+08:00
[ "$(nreq)" = $((n + 1)) ] || fail "permanent error was retried"
$M notify show 10 | grep -q '^  1 2026-03-02T10:00:00+08:00 permanent status 200 code 310000: dingtalk error 310000: sign not match' \
    || fail "permanent attempt: $($M notify show 10)"
# a 4xx is permanent too; WeCom 45009 is a rate limit: retried
expect "queued message 11" $M notify send --channel webhook --to "$B/gone" --subject g --key g-1 --at $F0
echo 404 >"$tmp/script"
expect "claimed 1, sent 0, retried 0, failed 1, deferred 0" $M notify run --once --at $F0
expect "queued message 12" $M notify send --channel wecom --subject q --key q-1 --ref leftover --at $F0
echo '200 {"errcode":45009,"errmsg":"api freq out of limit"}' >"$tmp/script"
expect "claimed 1, sent 0, retried 1, failed 0, deferred 0" $M notify run --once --at $F0

# --- a receiver that does not answer in time
expect "set notify.timeout_ms" $M config set notify.timeout_ms 500
expect "queued message 13" $M notify send --channel webhook --to "$B/slow" --subject t --key t-1 --ref leftover --at $F0
echo 'sleep 3' >"$tmp/script"
expect "claimed 1, sent 0, retried 1, failed 0, deferred 0" $M notify run --once --at $F0
$M notify show 13 | grep -q '^  1 .* retry     status 0: Timeout was reached' || fail "timeout: $($M notify show 13)"
$M config unset notify.timeout_ms >/dev/null
# nothing listens: connection refused is retried
expect "queued message 14" $M notify send --channel webhook --to "http://127.0.0.1:1/x" --subject c --key c-1 --ref leftover --at $F0
expect "claimed 1, sent 0, retried 1, failed 0, deferred 0" $M notify run --once --at $F0
sleep 3 # let the slow answer finish before the next counts
expect "cancelled 3 messages" $M notify cancel --ref leftover

# --- WeCom rate limit: 21 messages in one minute, the 21st deferred
L0=2026-03-03T09:00:00+08:00
i=1
while [ $i -le 21 ]; do
    $M notify send --channel wecom --subject "m$i" --key "rl-$i" --ref drill:rate --at $L0 >/dev/null
    i=$((i + 1))
done
n=$(nreq)
expect "claimed 20, sent 20, retried 0, failed 0, deferred 1" $M notify run --once --at $L0
[ "$(nreq)" = $((n + 20)) ] || fail "rate limit: $(( $(nreq) - n )) requests, want 20"
expect "claimed 0, sent 0, retried 0, failed 0, deferred 0" $M notify run --once --at 2026-03-03T09:00:59+08:00
expect "claimed 1, sent 1, retried 0, failed 0, deferred 0" $M notify run --once --at 2026-03-03T09:01:01+08:00
check_last 'json.loads(r["body"])["text"]["content"] == "m21"'

# --- listings: state filter, masked destinations; secrets nowhere
$M notify list --state failed >"$tmp/list"
[ "$(grep -c ' failed ' "$tmp/list")" = 3 ] || fail "failed list: $(cat "$tmp/list")"
$M notify list --json >"$tmp/list.json"
$M notify show 2 --json >>"$tmp/list.json"
$M config list >"$tmp/config"
$M config get notify.dingtalk.secret >>"$tmp/config"
$M config get notify.wecom.webhook >>"$tmp/config"
$M audit tail -n 500 >"$tmp/audit" 2>&1 || $M audit tail >"$tmp/audit"
for secret in WECOMKEY DTOKEN FTOKEN SECtestsecret0123456789 testsecret0123456789 "请立即到场"; do
    for f in list.json config audit; do
        if grep -q "$secret" "$tmp/$f"; then fail "'$secret' printed by $f"; fi
    done
done
grep -q '^notify.dingtalk.secret = \*\*\*\*\*\*\*\*$' "$tmp/config" || fail "config list: $(cat "$tmp/config")"
grep -q "^notify.wecom.webhook = $B/cgi-bin/webhook/send?key=\*\*\*\$" "$tmp/config" || fail "config list: $(cat "$tmp/config")"
grep -q '"to": "http://127.0.0.1:[0-9]*/cgi-bin/webhook/send?key=\*\*\*"' "$tmp/list.json" && fail "message 2 has no dest of its own"
grep -q 'outbox.enqueue  outbox:1  webhook message for incident:42' "$tmp/audit" || fail "audit: enqueue entry missing"
grep -q 'outbox.sent  outbox:1  webhook message for incident:42: attempt 1 ok, status 200' "$tmp/audit" || fail "audit: sent entry missing"
$M audit verify >/dev/null || fail "audit chain broken"

# --- bad input
if $M notify send --channel pigeon --subject x 2>"$tmp/err"; then fail "unknown channel accepted"; fi
grep -q "unknown channel 'pigeon'" "$tmp/err" || fail "unknown channel: $(cat "$tmp/err")"
if $M notify send --channel email --subject x 2>"$tmp/err"; then fail "email without --to accepted"; fi
if $M config set notify.wecom.webhook ftp://x 2>"$tmp/err"; then fail "bad url accepted"; fi
grep -q "setting 'notify.wecom.webhook' must be an http:// or https:// url" "$tmp/err" || fail "bad url: $(cat "$tmp/err")"
expect "set case.days" $M config set case.days 30
expect "30" $M config get case.days
echo "notify: ok"
