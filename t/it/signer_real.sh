#!/usr/bin/env bash
# Real CSCAs and DSCs (issue 3), from $DGCG_TESTDATA (testdata/README.md, the
# chain table; negative/index.json), uploaded through nginx with mTLS:
#  1. NL: the real UAT CSCA "CSCA Health NL" and all 75 prod NL DSCs, each in an
#     upload CMS signed by a demo NL upload certificate: all 201, and the trust
#     list serves them with the kids and thumbprints of the real trust list
#     (trustlist/trustlist_de_2023-12-26.json).
#  2. Other real CSCA/DSC pairs (RSASSA-PSS, P-384 and P-521 CSCAs,
#     intermediate CSCAs, ...): refused with the default configuration because
#     the DSC has expired (0x004, design document), accepted once
#     check_dsc_expiry = no.
#  3. Every certificate of negative/ (same DN as the DSC's issuer, other key)
#     onboarded as the country's CSCA: the DSC is refused with 0x004 at the
#     CSCA check. The MK DSCs are X.509 v1, so they first meet SecReq-033 and
#     reach the CSCA check only with require_x509v3 = no.
#  4. t/consumer-check verifies the resulting trust list as a connector would.
# The helpers below also run through it_ok, which shellcheck cannot follow.
# shellcheck disable=SC2317
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
TD=$IT_TESTDATA
it_need_testdata csca/index.json
STACK_COUNTRIES=DE
it_start

iso_end() { date -u -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%Y-%m-%dT%H:%M:%SZ; }
# party CC: a demo AUTHENTICATION certificate ($PKI/extra/auth-CC, by the
# client CA nginx trusts) and a demo UPLOAD certificate ($W/CC-upload), onboarded once.
party() {
	it_auth "$1" && it_selfsigned "$W/$1-upload" "/C=$1/O=dgcg demo/CN=$1 upload" &&
		it_onboard "$1" UPLOAD "$W/$1-upload.pem"
}
# body PEM CC: prints the path of the upload CMS for the DSC PEM, signed by CC's
# demo upload certificate (reference-gateway.md 12.1).
body() {
	local out
	out=$W/body-$(basename "$1" .pem).$2.b64
	if [[ ! -s "$out" ]]; then
		openssl x509 -in "$1" -outform DER -out "$W/dsc.der" &&
			it_cms "$W/dsc.der" "$W/$2-upload" "$out"
	fi
	printf '%s' "$out"
}
upload() {
	it_curl "$PKI/extra/auth-$1" POST /signerCertificate -H 'Content-Type: application/cms' \
		--data-binary @"$(body "$2" "$1")"
}
# conf KEY VALUE...: sets the keys in dgcg.conf and restarts the workers.
conf() {
	while (( $# >= 2 )); do
		sed -i "/^$1[[:space:]]*=/d" "$DGCG_CONFIG"
		printf '%s = %s\n' "$1" "$2" >>"$DGCG_CONFIG"
		shift 2
	done
	STACK_DIR=$IT_DIR stack_restart_workers
}
# served_kids CC: "kid thumbprint" lines of /trustList/DSC/CC, sorted.
served_kids() {
	it_curl DE GET "/trustList/DSC/$1" >/dev/null
	it_rows . kid thumbprint | sort
}
SUMMARY=()
row() { SUMMARY+=("$(printf '%-3s %-52s %-22s %s' "$1" "$2" "$3" "$4")"); }

printf '# at %s s: %s\n' "$SECONDS" "NL real CSCA and 75 DSCs"
# --- 1. NL: the real CSCA and the 75 prod DSCs --------------------------------
NL_CSCA=$TD/csca/NL/tng-uat_CSCA-Health-NL_69c3b27851.pem
it_ok "NL demo auth and upload certificates onboarded" party NL
it_ok "real NL CSCA onboarded" it_onboard NL CSCA "$NL_CSCA"
nl=("$TD"/dsc/NL/prod_*.pem)
it_is "75 NL prod DSCs in the test data" "${#nl[@]}" 75
bad=()
for f in "${nl[@]}"; do
	st=$(upload NL "$f")
	[[ "$st" == 201 ]] || bad+=("$(basename "$f"):$st:$(it_json details)")
done
it_is "all 75 NL uploads 201 (failures: ${bad[*]:-none})" "${#bad[@]}" 0
it_is "75 NL rows" "$(it_sql "SELECT COUNT(*) FROM signer_information WHERE country='NL' AND deleted_at IS NULL")" 75
it_log_has "Saving new SignerInformation Entity.*cscaCertThumbprint=\"$(it_thumb_pem "$NL_CSCA")\""
want=$(python3 - "$TD/trustlist/trustlist_de_2023-12-26.json" "${nl[@]}" <<'EOF'
import hashlib, json, subprocess, sys
real = {c["thumbprint"]: c for c in json.load(open(sys.argv[1]))["certificates"]}
for f in sys.argv[2:]:
    der = subprocess.run(["openssl", "x509", "-in", f, "-outform", "DER"], capture_output=True,
                         check=True).stdout
    c = real[hashlib.sha256(der).hexdigest()]
    # the file name carries the kid too, in base64url
    assert f.rsplit("prod_", 1)[1][:-4] == c["kid"].rstrip("=").replace("+", "-").replace("/", "_")
    assert c["country"] == "NL"
    print(c["kid"], c["thumbprint"])
EOF
)
want=$(sort <<<"$want")
it_is "the real trust list has all 75 (kid, thumbprint)" "$(wc -l <<<"$want")" 75
it_is "/trustList/DSC/NL: the real trust list's kids and thumbprints" "$(served_kids NL)" "$want"
row NL "75 prod DSCs, real CSCA Health NL (EC P-256)" "201 x75" "valid until 2032-2034; kids as on the DCCG list"

printf '# at %s s: %s\n' "$SECONDS" "other real pairs, default configuration"
# --- 2. Other real pairs: expired, so refused by default --------------------------
# CC | CSCA | DSC | what the pair covers
PAIRS=(
	"IS|csca/IS/tng-uat_Ferdaskilriki---Islands---G3-TEST_9f647fcae7.pem|dsc/IS/testdata_NH_6c8c1edc5e.pem|RSASSA-PSS DSC signature, RSA-4096 CSCA"
	"SE|csca/SE/tng-dev_Swedish-Test-Digital-Green-Certifica_af630bfa8c.pem|dsc/SE/testdata_DGC-Signer_5f74910195.pem|EC P-521 CSCA, ecdsa-with-SHA512"
	"FI|csca/FI/tng-uat_DVV-Social-Welfare-and-Healthcare-Se_a5c53cf684.pem|dsc/FI/prod_2SBPFvnLaD4.pem|EC P-384 intermediate CSCA; DSC with non-DER cA=FALSE"
	"BE|csca/BE/tng-uat_Vlaamse-overheid-Issuing-CA-3_0e4e822e3e.pem|dsc/BE/prod_DqkuHa2QZjY.pem|EC P-384 intermediate CSCA, ecdsa-with-SHA384"
	"ES|csca/ES/tng-uat_EADTrust-ECC-256-SubCA-For-Qualified_3609935934.pem|dsc/ES/prod_0C7DPfw0Nag.pem|intermediate CSCA (EADTrust SubCA), EC P-256"
	"FR|csca/FR/tng-uat_INGROUPE-DSc-CA_a3971bae7d.pem|dsc/FR/testdata_INGROUPE-DSC-0001_d6fc694cb8.pem|RSA-4096 intermediate CSCA, EC DSC"
	"AL|csca/AL/tng-uat_NAIS-Class-3-Certification-Authority_91710eada2.pem|dsc/AL/prod_BJY-jzmss-0.pem|RSA-2048 intermediate CSCA re-issued after the DSC"
	"CZ|csca/CZ/tng-uat_CZ-DSC-CSCA-1_52e6846a77.pem|dsc/CZ/testdata_CZ-DSC-1_ea3ab2264f.pem|RSA-3072 CSCA, EC DSC"
	"GE|csca/GE/trustlist-de_DGC-Country-Signing-CA_961eed0430.pem|dsc/GE/prod_8KU6U7MLoTk.pem|CSCA found on the trust list, EC P-256"
	"PL|csca/PL/tng-uat_Poland-DGC-RootCSCA-1-ACC-S_a175235bc1.pem|dsc/PL/testdata_Poland-Test-DGC-Service-3-ACC_3a5d7646eb.pem|CSCA signing with ecdsa-with-SHA512"
	"IE|csca/IE/tng-uat_HSE-CSCA_98b2005b8e.pem|dsc/IE/testdata_DSC-HSE-f554b99c-2128-4471-9f76-_065178b6cf.pem|EC P-256 intermediate CSCA"
	"HR|csca/HR/tng-uat_TEST-DGC-CSCA-Croatia_181d3caef8.pem|dsc/HR/testdata_DGC-DS-TEST-001_cb7836eeff.pem|EC P-256 CSCA, DSC expired 2026-07"
)
for p in "${PAIRS[@]}"; do
	IFS='|' read -r cc ca dsc what <<<"$p"
	it_ok "$cc: demo auth and upload certificates onboarded" party "$cc"
	it_ok "$cc: real CSCA onboarded" it_onboard "$cc" CSCA "$TD/$ca"
	it_ok "$cc: openssl verifies the pair without time (test data sanity)" \
		openssl verify -partial_chain -no_check_time -CAfile "$TD/$ca" "$TD/$dsc"
	st=$(upload "$cc" "$TD/$dsc")
	it_is "$cc default config: refused ($what)" "$st:$(it_json code)" "400:0x004"
	it_is "$cc default config: details name the expiry" "$(it_json details)" \
		"Uploaded certificate expired on $(iso_end "$TD/$dsc")"
	it_is "$cc default config: no row" "$(it_count signer_information "thumbprint='$(it_thumb_pem "$TD/$dsc")'")" 0
done

printf '# at %s s: %s\n' "$SECONDS" "other real pairs, check_dsc_expiry = no"
# --- 3. check_dsc_expiry = no: the same pairs are accepted -------------------------
conf check_dsc_expiry no
it_is "workers restarted with check_dsc_expiry = no" "$?" 0
for p in "${PAIRS[@]}"; do
	IFS='|' read -r cc ca dsc what <<<"$p"
	st=$(upload "$cc" "$TD/$dsc")
	it_is "$cc check_dsc_expiry = no: 201 ($what)" "$st" 201
	it_is "$cc: served with its kid and thumbprint" "$(served_kids "$cc")" \
		"$(it_kid_pem "$TD/$dsc") $(it_thumb_pem "$TD/$dsc")"
	row "$cc" "$what" "400 0x004, then 201" "expired $(iso_end "$TD/$dsc" | cut -c1-10)"
done
it_log_has "Saving new SignerInformation Entity.*cscaCertThumbprint=\"$(it_thumb_pem "$TD/csca/SE/tng-dev_Swedish-Test-Digital-Green-Certifica_af630bfa8c.pem")\""

printf '# at %s s: %s\n' "$SECONDS" "negative CSCAs"
# --- negatives: same DN, other key ------------------------------------------------
# One line per negative/index.json entry: "CC|certificate|DSC": the DSC is
# the first listed one that is v3, not SHA-1 and whose C is CC.
mapfile -t NEG < <(python3 - "$TD" <<'EOF'
import json, sys
td = sys.argv[1]
dsc = {e["file"]: e for e in json.load(open(td + "/dsc/index.json"))["entries"]}
for e in json.load(open(td + "/negative/index.json"))["entries"]:
    cc = e.get("subjectC") or e["file"].split("/")[1]
    cand = e["dscs_with_matching_issuer_dn_but_bad_signature"]
    ok = [d for d in cand if dsc[d]["subjectC"] == cc and dsc[d]["x509version"] == "v3"
          and "SHA1" not in dsc[d]["sigAlg"]]
    print("%s|%s|%s" % (cc, e["file"], (ok or cand)[0]))
EOF
)
it_is "26 negative/index.json entries (24 files of negative/, 2 verified CSCAs of csca/)" "${#NEG[@]}" 26
MK_NEG=()
nneg=0
for n in "${NEG[@]}"; do
	IFS='|' read -r cc cert dsc <<<"$n"
	name=$(basename "$cert" .pem)
	pre=$(it_sql "SELECT COUNT(*) FROM trusted_party WHERE certificate_type='CSCA' AND country='$cc' AND thumbprint='$(it_thumb_pem "$TD/$cert")'")
	it_ok "negative $cc: demo auth and upload certificates" party "$cc"
	it_ok "negative $cc $name: onboarded as a CSCA of $cc" it_onboard "$cc" CSCA "$TD/$cert"
	it_not "negative $cc $name: openssl does not verify $(basename "$dsc") with it" \
		openssl verify -partial_chain -no_check_time -CAfile "$TD/$cert" "$TD/$dsc"
	st=$(upload "$cc" "$TD/$dsc")
	it_is "negative $cc $name: $(basename "$dsc") refused" "$st:$(it_json code)" "400:0x004"
	if [[ "$cc" == MK ]]; then
		# X.509 v1 DSCs: the design document's SecReq-033 comes first.
		it_like "negative $cc $name: v1 DSC (SecReq-033)" "$(it_json details)" "version 1, version 3 required \(SecReq-033\)"
		MK_NEG+=("$n")
	else
		it_is "negative $cc $name: refused at the CSCA check" "$(it_json details)" \
			"Uploaded certificate is not issued (issuer name and signature) by a CSCA of country $cc"
		row "$cc" "negative: $name" "400 0x004" "not issued by a CSCA of $cc"
	fi
	it_is "negative $cc $name: no row" "$(it_count signer_information "thumbprint='$(it_thumb_pem "$TD/$dsc")'")" 0
	# leave the CSCA list as it was (CZ and IS: the real CSCA stays)
	if [[ "$pre" == 0 ]]; then
		it_sql "DELETE FROM trusted_party WHERE certificate_type='CSCA' AND thumbprint='$(it_thumb_pem "$TD/$cert")'"
	fi
	nneg=$((nneg + 1))
done
it_is "every negative tried" "$nneg" 26
it_is "the two MK negatives met SecReq-033" "${#MK_NEG[@]}" 2

printf '# at %s s: %s\n' "$SECONDS" "consumer-check"
# --- 4. the consumer's check ------------------------------------------------------
out=$(it_consumer_check "$PKI/ta.pem")
rc=$?
printf '%s\n' "$out" | sed 's/^/# consumer-check: /'
it_is "consumer-check passes" "$rc" 0
it_like "consumer-check saw the 87 DSCs" "$out" "DSC: 87 entries, 87 ok, 0 failed"
out=$(it_consumer_check "$PKI/DE/csca.pem")
rc=$?
it_is "consumer-check with the wrong trust anchor fails" "$rc" 1
it_like "... and names the entries" "$out" "FAIL CSCA NL kid=.*not by the trust anchor"
it_like "... so no DSC passes" "$out" "DSC: 87 entries, 0 ok, 87 failed"

printf '# at %s s: %s\n' "$SECONDS" "MK, require_x509v3 = no"
# --- 5. MK: v1 DSCs reach the CSCA check with require_x509v3 = no -----------------------
conf require_x509v3 no
it_is "workers restarted with require_x509v3 = no" "$?" 0
for n in "${MK_NEG[@]}"; do
	IFS='|' read -r cc cert dsc <<<"$n"
	name=$(basename "$cert" .pem)
	it_is "no MK CSCA left from before" "$(it_sql "SELECT COUNT(*) FROM trusted_party WHERE certificate_type='CSCA' AND country='MK'")" 0
	it_ok "negative MK $name: onboarded as the only MK CSCA" it_onboard MK CSCA "$TD/$cert"
	st=$(upload MK "$TD/$dsc")
	it_is "negative MK $name (require_x509v3 = no): refused" "$st:$(it_json code)" "400:0x004"
	it_is "negative MK $name: at the CSCA check" "$(it_json details)" \
		"Uploaded certificate is not issued (issuer name and signature) by a CSCA of country MK"
	row MK "negative: $name (v1 DSC)" "400 0x004" "SecReq-033; with v1 allowed: not issued by a CSCA"
	it_sql "DELETE FROM trusted_party WHERE certificate_type='CSCA' AND thumbprint='$(it_thumb_pem "$TD/$cert")'"
done

printf '# %s\n' "real CSCA/DSC outcomes:" "${SUMMARY[@]}"
it_done
