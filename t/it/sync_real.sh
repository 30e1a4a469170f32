#!/usr/bin/env bash
# dgcg-sync pull against a real stack with the real NL data (issue 16):
#  1. the real CSCA "CSCA Health NL" and the real NL UPLOAD certificate
#     (eu-cms-sign.coronacheck.nl, expired 2024-05-11) onboarded under the
#     demo trust anchor, and the 75 real NL DSCs uploaded with their real
#     upload CMS (the signature field of the DCCG trust list of 2023-12-26,
#     re-attached by t/cms_attach); the gateway runs with
#     check_upload_expiry = no for that;
#  2. beside them, DSCs the gateway accepts with its strictness relaxed and
#     dgcg-sync's defaults refuse: X.509 v1, SHA-1 signed, RSA-1024, and the
#     real expired SE DSC under its real (valid) CSCA;
#  3. the default configuration: the NL UPLOAD is EXPIRED, so its 75 DSCs are
#     SIGNER_REJECTED; with check_upload_expiry = no all 75 verify, and what is
#     published equals what the gateway serves less the rejected entries, with
#     the real kids; the exports (PEM, kids.json, JWKS) are checked against
#     the certificates;
#  4. rows tampered in MariaDB the gateway still serves: a CSCA moved to another
#     country (COUNTRY_MISMATCH, and its DSC NO_CSCA), a DSC moved to another
#     country with a valid signature of that country (COUNTRY_MISMATCH), a DSC
#     whose certificate was swapped (NOT_ISSUED), a DSC whose CMS was re-made
#     with SHA-1 (CMS_DIGEST); one the gateway leaves out (a broken signature);
#     a delta does not see an in-place change, the next full pull does;
#  5. a wrong trust anchor: every CSCA and UPLOAD NOT_TRUST_ANCHOR, refused.
# The helpers below also run through it_ok, which shellcheck cannot follow.
# shellcheck disable=SC2317
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
TD=$IT_TESTDATA
it_need_testdata trustlist/trustlist_de_2023-12-26.json dsc/index.json
SYNC=$DGCG_BUILDDIR/dgcg-sync
ATTACH=$DGCG_BUILDDIR/t/cms_attach
for f in "$SYNC" "$ATTACH"; do
	[[ -x "$f" ]] || { printf 'sync_real: %s not built (make check builds it)\n' "$f"; exit 99; }
done
STACK_COUNTRIES="DE FR"
STACK_EXTRA_CONF=$'check_upload_expiry = no\ncheck_dsc_expiry = no\nrequire_x509v3 = no\nallow_sha1 = yes\nmin_rsa_bits = 1024'
it_start
export ASAN_OPTIONS="log_path=$W/san${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$W/san:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

# upload CC B64FILE: POST /signerCertificate as CC; the status.
upload() {
	it_curl "$PKI/extra/auth-$1" POST /signerCertificate -H 'Content-Type: application/cms' \
		--data-binary @"$2"
}
# cms_for PEM SIGNER OUT: the attached upload CMS (base64) of PEM's DER (it_cms).
cms_for() { openssl x509 -in "$1" -outform DER -out "$W/x.der" && it_cms "$W/x.der" "$2" "$3"; }
# odd_dsc NAME CC [x509-options...]: a DSC of CC issued by CC's demo CSCA,
# $W/NAME.pem, made as it_dsc cannot: X.509 v1 (no -extfile), SHA-1, RSA-1024.
odd_dsc() {
	local name=$1 cc=$2
	shift 2
	local key=(-newkey ec -pkeyopt ec_paramgen_curve:P-256)
	[[ -n "${KEYALG:-}" ]] && key=(-newkey "$KEYALG")
	openssl req -new "${key[@]}" -nodes \
		-keyout "$W/$name.key" -subj "/C=$cc/O=dgcg demo/CN=$cc $name" -out "$W/$name.csr" \
		2>/dev/null &&
		openssl x509 -req -in "$W/$name.csr" -CA "$PKI/$cc/csca.pem" -CAkey "$PKI/$cc/csca.key" \
			-days 365 -set_serial "0x$(openssl rand -hex 8)" "$@" -out "$W/$name.pem" 2>/dev/null
}
pull() {
	"$SYNC" pull -u "$DGCG_URL" -a "$DGCG_CACERT" -c "$PKI/DE/auth.pem" -k "$PKI/DE/auth.key" \
		-t "$PKI/ta.pem" -d "$W/out" --set log_file="$W/sync.log" "$@" >"$W/sync.out" 2>>"$W/sync.err"
}
# reason KID: the reason of KID in rejected.json ("" when not rejected).
reason() { python3 "$IT_TOOL" json "$W/out/current/rejected.json" "[kid=$1].*.reason"; }
# verified TYPE: how many of TYPE are published
verified() { python3 "$IT_TOOL" jlen "$W/out/current/trustlist.json" "[certificateType=$1]"; }
snap() { (cd "$W/out" && readlink current && find current/ -type f -print0 | sort -z |
	xargs -0 sha256sum) 2>/dev/null; }

printf '# at %s s: %s\n' "$SECONDS" "the real NL CSCA, UPLOAD certificate and 75 DSCs"
NL_CSCA=$TD/csca/NL/tng-uat_CSCA-Health-NL_69c3b27851.pem
NL_UP=$TD/upload/NL/upload_eu-cms-sign.coronacheck.nl_ab941a3982.pem
it_ok "NL demo AUTHENTICATION certificate" it_auth NL
it_ok "the real NL CSCA onboarded" it_onboard NL CSCA "$NL_CSCA"
it_ok "the real NL UPLOAD certificate onboarded" it_onboard NL UPLOAD "$NL_UP"
mkdir -p "$W/nl"
n=$(python3 - "$TD" "$W/nl" <<'EOF'
import base64, json, sys
td, out = sys.argv[1], sys.argv[2]
real = json.load(open(td + "/trustlist/trustlist_de_2023-12-26.json"))["certificates"]
dsc = {e["sha256"]: e for e in json.load(open(td + "/dsc/index.json"))["entries"]}
n = 0
for c in real:
    e = dsc.get(c["thumbprint"])
    if c["country"] != "NL" or e is None or not e["file"].startswith("dsc/NL/prod_"):
        continue
    open("%s/%d.der" % (out, n), "wb").write(base64.b64decode(c["rawData"]))
    open("%s/%d.sig" % (out, n), "w").write(c["signature"])
    open("%s/%d.kid" % (out, n), "w").write(c["kid"])
    n += 1
print(n)
EOF
)
it_is "75 NL DSCs with their real upload CMS" "$n" 75
bad=()
for ((i = 0; i < n; i++)); do
	"$ATTACH" "$W/nl/$i.sig" "$W/nl/$i.der" >"$W/nl/$i.b64" || { bad+=("$i:attach"); continue; }
	st=$(upload NL "$W/nl/$i.b64")
	[[ "$st" == 201 ]] || bad+=("$i:$st:$(it_json details)")
done
it_is "75 uploads 201 (failures: ${bad[*]:-none})" "${#bad[@]}" 0

printf '# at %s s: %s\n' "$SECONDS" "DSCs the relaxed gateway accepts"
for cc in DE FR; do
	cp "$PKI/$cc/auth.pem" "$PKI/extra/auth-$cc.pem"
	cp "$PKI/$cc/auth.key" "$PKI/extra/auth-$cc.key"
	cms_for "$PKI/$cc/dsc.pem" "$cc" "$W/$cc.b64"
	it_is "$cc demo DSC uploaded" "$(upload "$cc" "$W/$cc.b64")" 201
done
it_ok "an X.509 v1 DSC" odd_dsc v1 DE -sha256
it_ok "a SHA-1 signed DSC" odd_dsc sha1 DE -sha1 -extfile "$PKI/ca/req.cnf" -extensions dsc
KEYALG=rsa:1024 it_ok "an RSA-1024 DSC" odd_dsc rsa1024 DE -sha256 -extfile "$PKI/ca/req.cnf" -extensions dsc
for d in v1 sha1 rsa1024; do
	cms_for "$W/$d.pem" DE "$W/$d.b64"
	it_is "$d DSC accepted by the relaxed gateway" "$(upload DE "$W/$d.b64")" 201
done
SE_CSCA=$TD/csca/SE/tng-dev_Swedish-Test-Digital-Green-Certifica_af630bfa8c.pem
SE_DSC=$TD/dsc/SE/testdata_DGC-Signer_5f74910195.pem
it_ok "SE demo AUTHENTICATION" it_auth SE
it_ok "SE demo UPLOAD" it_selfsigned "$W/se-upload" "/C=SE/O=dgcg demo/CN=SE upload"
it_ok "... onboarded" it_onboard SE UPLOAD "$W/se-upload.pem"
it_ok "the real SE CSCA onboarded" it_onboard SE CSCA "$SE_CSCA"
cms_for "$SE_DSC" "$W/se-upload" "$W/se.b64"
it_is "the real expired SE DSC accepted (check_dsc_expiry = no)" "$(upload SE "$W/se.b64")" 201

printf '# at %s s: %s\n' "$SECONDS" "pull, default configuration"
pull
it_is "first pull: updated (0)" "$?" 0
sed 's/^/# dgcg-sync: /' "$W/sync.out"
it_is "the NL UPLOAD certificate: EXPIRED" "$(reason "$(it_kid_pem "$NL_UP")")" EXPIRED
it_is "... so all 75 NL DSCs: SIGNER_REJECTED" "$(python3 "$IT_TOOL" rows "$W/out/current/rejected.json" "" \
	country certificateType reason | grep -c '^NL DSC SIGNER_REJECTED$')" 75
it_is "the v1 DSC: X509_V1" "$(reason "$(it_kid_pem "$W/v1.pem")")" X509_V1
it_is "the SHA-1 DSC: WEAK_HASH" "$(reason "$(it_kid_pem "$W/sha1.pem")")" WEAK_HASH
it_is "the RSA-1024 DSC: WEAK_KEY" "$(reason "$(it_kid_pem "$W/rsa1024.pem")")" WEAK_KEY
it_is "the real SE DSC: EXPIRED" "$(reason "$(it_kid_pem "$SE_DSC")")" EXPIRED
it_is "the real NL and SE CSCAs verified" "$(reason "$(it_kid_pem "$NL_CSCA")")$(reason "$(it_kid_pem "$SE_CSCA")")" ""
it_is "published: 4 CSCA, 3 UPLOAD, 2 DSC" "$(verified CSCA) $(verified UPLOAD) $(verified DSC)" "4 3 2"
EXPLAIN_REJ=$("$SYNC" pull -d "$W/out" -t "$PKI/ta.pem" --offline --explain +7gPaASOAJY= 2>/dev/null)
it_like "--explain names the expired signer" "$EXPLAIN_REJ" "signer +FAIL +SIGNER_REJECTED: UPLOAD kid=[^ ]+ of NL, rejected: EXPIRED"
printf '%s\n' "$EXPLAIN_REJ" | sed 's/^/# explain: /'

printf '# at %s s: %s\n' "$SECONDS" "pull, check_upload_expiry = no"
pull --set check_upload_expiry=no
it_is "updated (0)" "$?" 0
sed 's/^/# dgcg-sync: /' "$W/sync.out"
it_is "published: 4 CSCA, 4 UPLOAD, 77 DSC" "$(verified CSCA) $(verified UPLOAD) $(verified DSC)" "4 4 77"
it_is "rejected: the 4 the gateway let through" "$(python3 -c 'import json,sys
print(" ".join(sorted(r["reason"] for r in json.load(open(sys.argv[1])))))' "$W/out/current/rejected.json")" \
	"EXPIRED WEAK_HASH WEAK_KEY X509_V1"
for t in CSCA UPLOAD DSC; do
	it_curl DE GET "/trustList/$t" >/dev/null
	cp "$IT_BODY" "$W/gw-$t.json"
done
it_ok "published = what the gateway serves, less the rejected, same items and order" \
	python3 - "$W" <<'EOF'
import json, sys
w = sys.argv[1]
served = []
for t in ("CSCA", "UPLOAD", "DSC"):
    served += json.load(open("%s/gw-%s.json" % (w, t)))
rej = {(r["certificateType"], r["thumbprint"]) for r in json.load(open(w + "/out/current/rejected.json"))}
want = [i for i in served if (i["certificateType"], i["thumbprint"]) not in rej]
key = lambda i: (i["kid"], i["certificateType"] == "DSC", i["thumbprint"])
got = json.load(open(w + "/out/current/trustlist.json"))
assert got == sorted(want, key=key), "differs"
EOF
it_is "pem/NL.pem: the 75 NL DSCs" "$(grep -c 'BEGIN CERTIFICATE' "$W/out/current/pem/NL.pem")" 75
it_is "kids.json: the NL kids are the real trust list's" "$(python3 -c 'import json,sys
print(" ".join(sorted(k for k, v in json.load(open(sys.argv[1])).items() if v["country"] == "NL")))' \
	"$W/out/current/kids.json")" "$(for f in "$W"/nl/*.kid; do cat "$f"; echo; done | LC_ALL=C sort |
	tr '\n' ' ' | sed 's/ $//')"
it_ok "kids.json and jwks.json hold each DSC's key" python3 - "$W/out/current" <<'EOF'
import base64, json, sys
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
d = sys.argv[1]
kids = json.load(open(d + "/kids.json"))
jwks = {k["kid"]: k for k in json.load(open(d + "/jwks.json"))["keys"]}
assert len(kids) == 77 and set(kids) == set(jwks), (len(kids), len(jwks))
b64u = lambda s: int.from_bytes(base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)), "big")
for kid, v in kids.items():
    j = jwks[kid]
    c = x509.load_der_x509_certificate(base64.b64decode(j["x5c"][0]))
    pub = c.public_key()
    spki = pub.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    assert base64.b64decode(v["publicKey"]) == spki, kid
    assert v["notAfter"] == c.not_valid_after_utc.strftime("%Y-%m-%dT%H:%M:%SZ"), kid
    if isinstance(pub, ec.EllipticCurvePublicKey):
        n = pub.public_numbers()
        assert j["kty"] == "EC" and j["crv"] == "P-256" and len(j["x"]) == 43
        assert b64u(j["x"]) == n.x and b64u(j["y"]) == n.y, kid
    else:
        n = pub.public_numbers()
        assert j["kty"] == "RSA" and b64u(j["n"]) == n.n and b64u(j["e"]) == n.e, kid
EOF
EXPLAIN_OK=$("$SYNC" pull -d "$W/out" -t "$PKI/ta.pem" --offline --set check_upload_expiry=no \
	--explain +7gPaASOAJY= 2>/dev/null)
it_like "--explain +7gPaASOAJY=: VERIFIED" "$EXPLAIN_OK" "^DSC NL kid=\+7gPaASOAJY= thumbprint=fbb80f68048e0096e37a1ef03beb2d383dd2cbc37af4034d2940cc4b3fb1039e: VERIFIED"
it_is "... every check passes or is off" "$(grep -cE '^  [a-z0-9]+ +(pass|off) ' <<<"$EXPLAIN_OK")" 14
printf '%s\n' "$EXPLAIN_OK" | sed 's/^/# explain: /'
pull --set check_upload_expiry=no
it_is "again: unchanged (1)" "$?" 1

printf '# at %s s: %s\n' "$SECONDS" "tampered rows the gateway serves"
P=(--set check_upload_expiry=no)
FR_CSCA_TP=$(it_thumb_pem "$PKI/FR/csca.pem")
it_sql "UPDATE trusted_party SET country='DE' WHERE thumbprint='$FR_CSCA_TP'"
it_curl DE GET /trustList/CSCA/DE >/dev/null
it_like "the gateway serves the FR CSCA as DE's" "$(cat "$IT_BODY")" "\"thumbprint\":\"$FR_CSCA_TP\""
pull "${P[@]}"
it_is "a CSCA moved to DE: updated (2 of 85 dropped)" "$?" 0
it_is "... COUNTRY_MISMATCH" "$(reason "$(it_kid_pem "$PKI/FR/csca.pem")")" COUNTRY_MISMATCH
it_is "... the FR DSC: NO_CSCA" "$(reason "$(it_kid_pem "$PKI/FR/dsc.pem")")" NO_CSCA
it_is "... the rest stays" "$(verified CSCA) $(verified UPLOAD) $(verified DSC)" "3 4 76"
it_sql "UPDATE trusted_party SET country='FR' WHERE thumbprint='$FR_CSCA_TP'"
pull "${P[@]}"
it_is "restored: updated" "$?" 0

DE_TP=$(it_thumb_pem "$PKI/DE/dsc.pem")
openssl x509 -in "$PKI/DE/dsc.pem" -outform DER -out "$W/de.der"
orig_sig=$(it_sql "SELECT signature FROM signer_information WHERE thumbprint='$DE_TP'")
frsig=$(it_cms "$W/de.der" FR - --detached -md sha256)
it_sql "UPDATE signer_information SET country='FR', signature='$frsig' WHERE thumbprint='$DE_TP'"
it_curl DE GET /trustList/DSC/FR >/dev/null
it_like "the gateway serves the DE DSC as FR's (FR's upload signature)" "$(cat "$IT_BODY")" "\"thumbprint\":\"$DE_TP\""
pull "${P[@]}"
it_is "a delta does not see a change in place: unchanged (1)" "$?" 1
pull "${P[@]}" --full
it_is "the full pull does: updated (0)" "$?" 0
it_is "... the DE DSC listed as FR: COUNTRY_MISMATCH" "$(reason "$(it_kid_pem "$PKI/DE/dsc.pem")")" COUNTRY_MISMATCH
it_is "... the rest stays" "$(verified CSCA) $(verified UPLOAD) $(verified DSC)" "4 4 76"

sha1sig=$(it_cms "$W/de.der" DE - --detached -md sha1)
it_sql "UPDATE signer_information SET country='DE', signature='$sha1sig' WHERE thumbprint='$DE_TP'"
it_curl DE GET /trustList/DSC/DE >/dev/null
it_like "the gateway (allow_sha1 = yes) serves a DSC with a SHA-1 CMS" "$(cat "$IT_BODY")" "\"thumbprint\":\"$DE_TP\""
pull "${P[@]}" --full
it_is "a CMS re-made with SHA-1: updated" "$?" 0
it_is "... CMS_DIGEST" "$(reason "$(it_kid_pem "$PKI/DE/dsc.pem")")" CMS_DIGEST

# a certificate with the DE DSC's names, issued by a key that is not the DE CSCA's
it_selfsigned "$W/rogue-ca" "/C=DE/O=dgcg demo/CN=DE csca" ca
it_dsc "$W/swap" "/C=DE/O=dgcg demo/CN=DE dsc" "$W/rogue-ca"
swap_tp=$(sha256sum "$W/swap.der" | cut -c1-64)
swap_sig=$(it_cms "$W/swap.der" DE - --detached -md sha256)
it_sql "UPDATE signer_information SET thumbprint='$swap_tp', raw_data='$(base64 -w0 "$W/swap.der")', signature='$swap_sig' WHERE thumbprint='$DE_TP'"
it_curl DE GET /trustList/DSC/DE >/dev/null
it_like "the gateway serves a swapped certificate with a valid upload CMS" "$(cat "$IT_BODY")" "\"thumbprint\":\"$swap_tp\""
pull "${P[@]}" --full
it_is "a certificate swapped in the row: updated (1 dropped)" "$?" 0
it_is "... NOT_ISSUED" "$(reason "$(it_kid_pem "$W/swap.pem")")" NOT_ISSUED
it_is "... the rest stays" "$(verified CSCA) $(verified UPLOAD) $(verified DSC)" "4 4 76"

it_sql "UPDATE signer_information SET thumbprint='$DE_TP', raw_data='$(base64 -w0 "$W/de.der")', signature='${orig_sig:0:40}AAAA${orig_sig:44}' WHERE thumbprint='$swap_tp'"
it_curl DE GET /trustList/DSC/DE >/dev/null
it_not "the gateway leaves a DSC with a broken signature out" grep -q "$DE_TP" "$IT_BODY"
pull "${P[@]}" --full
it_is "... so dgcg-sync never sees it: updated" "$?" 0
it_is "... neither published nor rejected" "$(grep -c "$DE_TP" "$W/out/current/trustlist.json" "$W/out/current/rejected.json" | cut -d: -f2 | tr '\n' ' ')" "0 0 "
it_sql "UPDATE signer_information SET signature='$orig_sig' WHERE thumbprint='$DE_TP'"
pull "${P[@]}" --full
it_is "restored: updated, 77 DSCs" "$?:$(verified DSC)" "0:77"

printf '# at %s s: %s\n' "$SECONDS" "a wrong trust anchor"
before=$(snap)
"$SYNC" pull -u "$DGCG_URL" -a "$DGCG_CACERT" -c "$PKI/DE/auth.pem" -k "$PKI/DE/auth.key" \
	-t "$PKI/DE/csca.pem" -d "$W/out" "${P[@]}" --set log_file="$W/sync.log" >"$W/sync.out" 2>>"$W/sync.err"
it_is "the DE CSCA as trust anchor: refused (2)" "$?" 2
it_like "... every CSCA and UPLOAD NOT_TRUST_ANCHOR, no DSC left" "$(cat "$W/sync.out")" \
	"verified: 0 CSCA, 0 UPLOAD, 0 DSC; rejected: 4 CSCA, 4 UPLOAD, 81 DSC \(.*NOT_TRUST_ANCHOR 8"
it_is "... current untouched" "$(snap)" "$before"
it_like "... status.json says why" "$(python3 "$IT_TOOL" json "$W/out/status.json" message)" \
	"no verified CSCA entry"

it_is "no sanitizer report from dgcg-sync" "$(ls "$W"/san.* 2>/dev/null)" ""
it_done
