#!/bin/sh
# SPDX-License-Identifier: MIT
# Attachments of cases and photos of hazards (one store, table attachments):
# CLI attach / list / read back byte for byte, a file of a refused type named
# by its type, an over-limit file refused, nothing stored or audited on a
# refusal; case files sealed at rest (the raw database never holds their
# bytes), read only with a reason and audited with who and why, never in the
# hand-over; audit entries without content. API: upload, list and download
# of case files (officers; a viewer gets 403) and of hazard photos.
set -u
. "$MUSTER_SRCDIR/tests/integration/lib.sh"
t_init 125-attachments
export MUSTER_DATADIR="$MUSTER_SRCDIR/data"

# A small PNG: the 8-byte signature, then a marker the raw search looks for.
MARK="ZQXJ-attachment-secret-4711"
printf '\211PNG\r\n\032\n%s-IHDR-data' "$MARK" >"$T_TMP/a.png"
printf '%%PDF-1.4\n%%fake\n' >"$T_TMP/doc.pdf"
printf 'GIF89a\001\000\001\000' >"$T_TMP/x.gif"
printf '\377\330\377\340 jpeg body' >"$T_TMP/p.jpg"
: >"$T_TMP/empty.txt"
head -c 10485761 /dev/zero | tr '\000' 'a' >"$T_TMP/big.txt"

t_muster key init >/dev/null || t_fail "key init"
t_muster plan load "$MUSTER_SRCDIR/examples/plans/school.md" >/dev/null || t_fail "plan load"
t_muster case register --subject "噪音扰民" --channel letter --received 2025-09-20 \
    --phone 13800001111 >/dev/null || t_fail "register"

# ---- CLI: cases
SHA=$(sha256sum "$T_TMP/a.png" | cut -d' ' -f1)
SIZE=$(wc -c <"$T_TMP/a.png" | tr -d ' ')
t_check "attach png" 0 "case 1: attachment 1 'a.png' stored ($SIZE bytes, sha256 $SHA)" "" \
    t_muster case attach 1 "$T_TMP/a.png"
t_check "attach pdf" 0 \
    "case 1: attachment 2 'doc.pdf' stored (15 bytes, sha256 $(sha256sum "$T_TMP/doc.pdf" | cut -d' ' -f1))" "" \
    t_muster case attach 1 "$T_TMP/doc.pdf"
t_muster audit tail -n 100 >"$T_TMP/audit.before" 2>&1
t_check "attach gif" 1 "" \
    "muster: file 'x.gif' is a GIF image, not an allowed type (JPEG, PNG, PDF or plain text)" \
    t_muster case attach 1 "$T_TMP/x.gif"
t_check "attach empty" 1 "" "muster: file 'empty.txt' is empty" \
    t_muster case attach 1 "$T_TMP/empty.txt"
t_check "attach too big" 1 "" \
    "muster: file 'big.txt' is 10485761 bytes, more than the limit of 10485760 bytes (10 MiB)" \
    t_muster case attach 1 "$T_TMP/big.txt"
t_check "attach to no case" 1 "" "muster: no case 9" t_muster case attach 9 "$T_TMP/a.png"
t_muster audit tail -n 100 >"$T_TMP/audit.after" 2>&1
cmp -s "$T_TMP/audit.before" "$T_TMP/audit.after" || t_error "a refused attach changed the audit log"
t_check "list" 0 "1 a.png (image/png, $SIZE bytes, sha256 $SHA)
2 doc.pdf (application/pdf, 15 bytes, sha256 $(sha256sum "$T_TMP/doc.pdf" | cut -d' ' -f1))" "" \
    t_muster case attachments 1
t_muster case attachments 1 --json >"$T_TMP/l.json" || t_fail "list --json"
[ "$(jq -c '[.[] | [.id, .name, .type, .size, .created_by]]' "$T_TMP/l.json")" = \
    "[[1,\"a.png\",\"image/png\",$SIZE,\"tester\"],[2,\"doc.pdf\",\"application/pdf\",15,\"tester\"]]" ] ||
    t_error "list --json: $(cat "$T_TMP/l.json")"
t_muster case show 1 --json >"$T_TMP/show.json" || t_fail "show"
[ "$(jq -c '[.attachments[] | [.id, .name, .sha256]], .id' "$T_TMP/show.json" | tr '\n' ' ')" = \
    "[[1,\"a.png\",\"$SHA\"],[2,\"doc.pdf\",\"$(sha256sum "$T_TMP/doc.pdf" | cut -d' ' -f1)\"]] 1 " ] ||
    t_error "show --json attachments: $(jq -c .attachments "$T_TMP/show.json")"
jq -e '.attachments[0] | has("data") | not' "$T_TMP/show.json" >/dev/null || t_error "show has data"
t_check "read without reason" 2 "" \
    "muster: --reason is required: every read of a case attachment is audited with why" \
    t_muster case attachment 1 1 --output "$T_TMP/back.png"
t_check "read" 0 "case 1: attachment 1 written to $T_TMP/back.png ($SIZE bytes)" "" \
    t_muster case attachment 1 1 --output "$T_TMP/back.png" --reason "核实材料"
cmp -s "$T_TMP/a.png" "$T_TMP/back.png" || t_error "read back differs"
[ "$(stat -c %a "$T_TMP/back.png")" = 600 ] || t_error "output mode $(stat -c %a "$T_TMP/back.png")"
t_check "read of another case" 1 "" "muster: no attachment 1 of 'case:2'" \
    t_muster case attachment 2 1 --output "$T_TMP/x" --reason r
t_muster audit tail -n 20 >"$T_TMP/audit" 2>&1
grep -q "attachment.add.*case:1.*'a.png', image/png, $SIZE bytes" "$T_TMP/audit" ||
    t_error "no attachment.add entry: $(cat "$T_TMP/audit")"
grep -q "attachment.read.*case:1.*attachment 1 read by tester; reason: 核实材料" "$T_TMP/audit" ||
    t_error "no attachment.read entry: $(cat "$T_TMP/audit")"
if grep -q "$MARK" "$T_TMP/audit"; then t_error "content in the audit log"; fi
t_muster case handover 1 >"$T_TMP/ho" 2>&1 || t_fail "handover"
if grep -q "a.png\|attach" "$T_TMP/ho"; then t_error "attachments in the hand-over"; fi
# sealed at rest: neither the bytes nor their base64 are in the raw database
for f in "$T_DB" "$T_DB-wal"; do
    [ -f "$f" ] || continue
    if grep -a -q -F "$MARK" "$f"; then t_error "content found in $f"; fi
done
sqlite3 "$T_DB" "SELECT data FROM attachments WHERE id = 1" | grep -q '^[0-9a-f]\{16\}:' ||
    t_error "case attachment is not sealed"
t_check "key needed to read" 1 "" "muster: no key file '$T_TMP/none.key': run muster key init" \
    t_muster case attachment 1 1 --output "$T_TMP/y" --reason r --key-file "$T_TMP/none.key"
# Key rotation re-seals the files with the cases: they still open afterwards,
# and the stored value changed.
before=$(sqlite3 "$T_DB" "SELECT data FROM attachments WHERE id = 1")
t_muster key rotate >"$T_TMP/rot" 2>&1 || t_fail "key rotate: $(cat "$T_TMP/rot")"
after=$(sqlite3 "$T_DB" "SELECT data FROM attachments WHERE id = 1")
[ "$before" != "$after" ] || t_error "key rotation left the case file sealed with the old key"
t_muster case attachment 1 1 --output "$T_TMP/rot.png" --reason "轮换后核对" >/dev/null ||
    t_fail "the case file does not open after key rotation"
cmp -s "$T_TMP/a.png" "$T_TMP/rot.png" || t_error "read back after rotation differs"

# ---- CLI: hazards
t_muster hazard add --place 实验楼 --description 灭火器压力不足 --severity high --unit c7-1 \
    --owner li-na --due 2030-03-10 >/dev/null || t_fail "hazard add"
PSHA=$(sha256sum "$T_TMP/p.jpg" | cut -d' ' -f1)
t_check "photo jpg" 0 "hazard 1: photo 3 'p.jpg' stored (14 bytes, sha256 $PSHA)" "" \
    t_muster hazard photo 1 "$T_TMP/p.jpg"
t_check "photo pdf" 1 "" "muster: file 'doc.pdf' is a PDF document; a photo must be JPEG or PNG" \
    t_muster hazard photo 1 "$T_TMP/doc.pdf"
t_check "photo no hazard" 1 "" "muster: no hazard 5" t_muster hazard photo 5 "$T_TMP/p.jpg"
t_muster hazard show 1 --json >"$T_TMP/h.json" || t_fail "hazard show"
[ "$(jq -c '[.photos[] | [.id, .name, .type, .size]]' "$T_TMP/h.json")" = '[[3,"p.jpg","image/jpeg",14]]' ] ||
    t_error "hazard show photos: $(jq -c .photos "$T_TMP/h.json")"
t_check "photo-get" 0 "hazard 1: photo 3 written to $T_TMP/p2.jpg (14 bytes)" "" \
    t_muster hazard photo-get 1 3 --output "$T_TMP/p2.jpg"
cmp -s "$T_TMP/p.jpg" "$T_TMP/p2.jpg" || t_error "photo read back differs"
t_check "photo-get of a case file" 1 "" "muster: no attachment 1 of 'hazard:1'" \
    t_muster hazard photo-get 1 1 --output "$T_TMP/p3"
[ "$(sqlite3 "$T_DB" 'SELECT count(*) FROM attachments')" = 3 ] || t_error "rows stored on refusals"

# ---- API
t_user boss admin
t_user view viewer
TB=$(t_muster token create --user boss 2>/dev/null)
TV=$(t_muster token create --user view 2>/dev/null)
t_start_server
st=$(t_req up -H "Authorization: Bearer $TB" -H 'Content-Type: image/png' \
    --data-binary "@$T_TMP/a.png" "$T_BASE/api/v1/cases/1/attachments?name=scan.png")
t_expect_status up 201 "$st"
[ "$(jq -c '[.id, .name, .type, .size, .sha256]' "$T_TMP/up.body")" = "[4,\"scan.png\",\"image/png\",$SIZE,\"$SHA\"]" ] ||
    t_error "upload: $(cat "$T_TMP/up.body")"
st=$(t_req up2 -H "Authorization: Bearer $TB" -H 'Content-Type: application/pdf' \
    --data-binary "@$T_TMP/a.png" "$T_BASE/api/v1/cases/1/attachments")
t_expect_status up2 400 "$st"
st=$(t_req up3 -H "Authorization: Bearer $TB" -H 'Content-Type: image/gif' \
    --data-binary "@$T_TMP/x.gif" "$T_BASE/api/v1/cases/1/attachments")
t_expect_status up3 415 "$st"
st=$(t_req upv -H "Authorization: Bearer $TV" -H 'Content-Type: image/png' \
    --data-binary "@$T_TMP/a.png" "$T_BASE/api/v1/cases/1/attachments")
t_expect_status upv 403 "$st"
st=$(t_req lv -H "Authorization: Bearer $TV" "$T_BASE/api/v1/cases/1/attachments")
t_expect_status lv 403 "$st"
st=$(t_req gv -H "Authorization: Bearer $TV" "$T_BASE/api/v1/cases/1/attachments/1?reason=x")
t_expect_status gv 403 "$st"
st=$(t_req l -H "Authorization: Bearer $TB" "$T_BASE/api/v1/cases/1/attachments")
t_expect_status l 200 "$st"
[ "$(jq -c '[.[].name]' "$T_TMP/l.body")" = '["a.png","doc.pdf","scan.png"]' ] || t_error "list: $(cat "$T_TMP/l.body")"
st=$(t_req g0 -H "Authorization: Bearer $TB" "$T_BASE/api/v1/cases/1/attachments/4")
t_expect_status g0 400 "$st"
st=$(t_req g -H "Authorization: Bearer $TB" "$T_BASE/api/v1/cases/1/attachments/4?reason=check")
t_expect_status g 200 "$st"
cmp -s "$T_TMP/a.png" "$T_TMP/g.body" || t_error "download differs"
t_expect_header g Content-Type image/png
t_expect_header g Content-Disposition "attachment; filename*=UTF-8''scan.png"
st=$(t_req hp -H "Authorization: Bearer $TB" -H 'Content-Type: image/jpeg' \
    --data-binary "@$T_TMP/p.jpg" "$T_BASE/api/v1/hazards/1/photos?name=site.jpg")
t_expect_status hp 201 "$st"
st=$(t_req hp2 -H "Authorization: Bearer $TB" -H 'Content-Type: application/pdf' \
    --data-binary "@$T_TMP/doc.pdf" "$T_BASE/api/v1/hazards/1/photos")
t_expect_status hp2 415 "$st"
st=$(t_req hl -H "Authorization: Bearer $TV" "$T_BASE/api/v1/hazards/1/photos")
t_expect_status hl 200 "$st"
[ "$(jq -c '[.[].name]' "$T_TMP/hl.body")" = '["p.jpg","site.jpg"]' ] || t_error "photos: $(cat "$T_TMP/hl.body")"
st=$(t_req hg -H "Authorization: Bearer $TV" "$T_BASE/api/v1/hazards/1/photos/5")
t_expect_status hg 200 "$st"
cmp -s "$T_TMP/p.jpg" "$T_TMP/hg.body" || t_error "photo download differs"
st=$(t_req hg2 -H "Authorization: Bearer $TV" "$T_BASE/api/v1/hazards/1/photos/1")
t_expect_status hg2 404 "$st"
t_stop_server
t_muster audit tail -n 10 >"$T_TMP/audit2" 2>&1
grep -q "attachment.read.*case:1.*attachment 4 read by boss; reason: check" "$T_TMP/audit2" ||
    t_error "API read not audited: $(cat "$T_TMP/audit2")"
t_done
