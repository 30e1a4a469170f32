#!/usr/bin/env bash
# Real upload CMS (issue 3): the `signature` field of entries of the real DCCG
# trust list ($DGCG_TESTDATA/trustlist/trustlist_de_2023-12-26.json), the
# upload CMS as the reference gateway stored it (BouncyCastle BER), uploaded
# again through nginx with mTLS. Detached ones get their DSC back as eContent
# (t/cms_attach); attached ones are sent as they are. Each country's real
# UPLOAD certificate (testdata/upload/) is onboarded with the demo trust
# anchor, and its real CSCA (testdata/csca/) where the chain is known.
# The DSCs and upload certificates are old, so the stack runs with
# check_dsc_expiry = no and check_upload_expiry = no; everything else is the
# default (strict) configuration.
#
# Every sample has one expected outcome:
#   201        accepted, served on /trustList/DSC with the real kid and thumbprint
#   empty      400 0x004 "CSCA list for country CC is empty": no CSCA of CC is
#              public; the refusal comes at check 5, after the CMS was parsed
#              and verified (check 2), the signer was found to be the
#              country's UPLOAD certificate (3) and the design-document checks
#              passed
#   notissued  400 0x004 at check 5: the onboarded public CSCA has the DSC
#              issuer's DN but another key (CZ UAT vs prod), or (DE) only the
#              stack's demo CSCA is onboarded
#   v1         400 0x004, SecReq-033: X.509 v1 DSC
#   cmssha1    400 0x004, SecReq-042: the CMS digest is SHA-1
#   dscsha1    400 0x004, SecReq-042: the DSC is signed with SHA-1
# The outcomes are printed as a table at the end of the test log.
# The helpers below also run through it_ok, which shellcheck cannot follow.
# shellcheck disable=SC2317
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
TD=$IT_TESTDATA
it_need_testdata trustlist/trustlist_de_2023-12-26.json
ATTACH=$DGCG_BUILDDIR/t/cms_attach
if [[ ! -x "$ATTACH" ]]; then
	printf 'upload_real: %s not built (make check builds it)\n' "$ATTACH"
	exit 99
fi
STACK_COUNTRIES=DE
STACK_EXTRA_CONF=$'check_dsc_expiry = no\ncheck_upload_expiry = no'
it_start

# CC | kid on the real list | CSCA under testdata/ or - | outcome | what the CMS shows
SAMPLES=(
	"NL|+7gPaASOAJY=|csca/NL/tng-uat_CSCA-Health-NL_69c3b27851.pem|201|detached, rsaEncryption OID, RSA-4096 signer"
	"GE|8KU6U7MLoTk=|csca/GE/trustlist-de_DGC-Country-Signing-CA_961eed0430.pem|201|detached, rsaEncryption, RSA-3000 signer"
	"GE|lh7tBDCiAic=|csca/GE/trustlist-de_DGC-Country-Signing-CA_961eed0430.pem|201|the GE CSCA itself uploaded as a DSC"
	"FI|2SBPFvnLaD4=|csca/FI/tng-uat_DVV-Social-Welfare-and-Healthcare-Se_a5c53cf684.pem|201|attached BER; DSC with non-DER cA=FALSE"
	"AL|BJY+jzmss+0=|csca/AL/tng-uat_NAIS-Class-3-Certification-Authority_91710eada2.pem|201|attached; intermediate RSA CSCA"
	"ES|/IcqIBnnZzc=|csca/ES/tng-uat_EADTrust-ECC-256-SubCA-For-Qualified_3609935934.pem|201|detached, sha256WithRSA, CMSAlgorithmProtection"
	"BE|DqkuHa2QZjY=|csca/BE/tng-uat_Vlaamse-overheid-Issuing-CA-3_0e4e822e3e.pem|201|detached, RSA-3072 signer, CMSAlgorithmProtection"
	"SM|NLzh4TMDhMw=|csca/SM/trustlist-de_CSCA_DGC_SM_01_157c356e2c.pem|201|detached, ecdsa-with-SHA256"
	"BR|ilPO8vVIV7Y=|csca/BR/tng-uat_BR-CSCA-SN-339786822353014784_982dd20f54.pem|201|detached, CMSAlgorithmProtection"
	"GB|2MaQkBq/xaw=|-|empty|detached, rsaEncryption OID, RSA-2048 signer"
	"GB|1J9pb87ndV0=|-|empty|attached BER, rsaEncryption OID"
	"LV|J8p9pf+5/9M=|-|empty|attached, no signed attributes"
	"BG|Jjql9rBrjHI=|-|empty|detached, no signed attributes, ECDSA"
	"VN|ZtJVElOdWm0=|-|empty|detached, no signed attributes, rsaEncryption"
	"IT|8IVrQrrkUeE=|-|empty|detached, SHA-512 digest, rsaEncryption"
	"PT|AP+S5kgjYKY=|-|empty|detached, subjectKeyIdentifier signer (SignerInfo v3)"
	"BH|02/qsZyiry0=|-|empty|detached, sid names the signer's subject as issuer"
	"MA|ZpnsokK1DgM=|-|empty|detached, EC P-384 signer"
	"DE|+dLL9eF4YuA=|-|notissued|attached, ecdsa-with-SHA256 (the DE format)"
	"CH|1MTFjluEWHU=|-|empty|detached, sha256WithRSA; RSA-2048 DSC"
	"LU|/FnuOdYQ1tw=|-|empty|detached; RSASSA-PSS-signed DSC"
	"LT|7AfAwcpWOv0=|-|empty|detached, rsaEncryption, RSA-3072 signer; RSA-PSS DSC"
	"DK|3PjDrYgWm+s=|-|empty|detached, rsaEncryption, RSA-2048 signer"
	"HU|DwpbrRj1i6E=|-|empty|attached, CMSAlgorithmProtection"
	"NZ|0NQWnxTv90c=|-|empty|detached; DSC valid until 2032"
	"CZ|kSc7+0QCSDw=|csca/CZ/tng-uat_CZ-DSC-CSCA-1_52e6846a77.pem|notissued|attached, rsaEncryption, RSA-3072 signer"
	"IS|4KBF0rWZIck=|-|v1|attached; X.509 v1 DSC"
	"MK|4hK1P5cAKXA=|-|v1|detached; X.509 v1 DSC"
	"NO|7z8+6oww2a8=|-|cmssha1|detached, no signed attributes, SHA-1, rsaEncryption"
	"AE|ltgfqrs8IdI=|-|dscsha1|detached; DSC signed ecdsa-with-SHA1"
)

# For every sample: "kid<TAB>country<TAB>thumbprint<TAB>upload certificate
# file (under testdata/)", and $W/<n>.der (the DSC) and
# $W/<n>.sig (the signature field), n = the sample's index.
kids=()
for s in "${SAMPLES[@]}"; do
	IFS='|' read -r _ kid _ <<<"$s"
	kids+=("$kid")
done
mapfile -t META < <(python3 - "$TD" "$W" "${kids[@]}" <<'EOF'
import base64, json, sys
td, w, kids = sys.argv[1], sys.argv[2], sys.argv[3:]
tl = {c["kid"]: c for c in json.load(open(td + "/trustlist/trustlist_de_2023-12-26.json"))["certificates"]}
dsc = {e["sha256"]: e for e in json.load(open(td + "/dsc/index.json"))["entries"]}
up = {e["sha256"]: e["file"] for e in json.load(open(td + "/upload/index.json"))["entries"]}
for n, kid in enumerate(kids):
    c = tl[kid]
    open("%s/%d.der" % (w, n), "wb").write(base64.b64decode(c["rawData"]))
    open("%s/%d.sig" % (w, n), "w").write(c["signature"])
    sig = base64.b64decode(c["signature"])
    u = up[dsc[c["thumbprint"]]["upload_cms"]["signer_sha256"]]
    print("\t".join([kid, c["country"], c["thumbprint"], u]))
EOF
)
it_is "all ${#SAMPLES[@]} samples found on the real trust list" "${#META[@]}" "${#SAMPLES[@]}"


SUMMARY=()
row() { SUMMARY+=("$(printf '%-2s %-13s %-58s %-9s %s' "$@")"); }
accepted=0 refused=0
for n in "${!SAMPLES[@]}"; do
	IFS='|' read -r cc kid ca want what <<<"${SAMPLES[$n]}"
	IFS=$'\t' read -r mkid mcc tp upfile <<<"${META[$n]}"
	it_is "$cc $kid: trust-list entry of $cc" "$mkid $mcc" "$kid $cc"
	it_ok "$cc $kid: demo auth certificate" it_auth "$cc"
	it_ok "$cc $kid: real upload certificate $(basename "$upfile") onboarded" \
		it_onboard "$cc" UPLOAD "$TD/$upfile"
	if [[ "$ca" != - ]]; then
		it_ok "$cc $kid: real CSCA onboarded" it_onboard "$cc" CSCA "$TD/$ca"
	fi
	# the body: attached as found, or detached + the DSC put back
	if ! openssl cms -cmsout -print -inform DER -in <(base64 -d "$W/$n.sig") | grep -q 'eContent: <ABSENT>'; then
		cp "$W/$n.sig" "$W/$n.b64"
		form="attached"
	else
		# shellcheck disable=SC2016
		it_ok "$cc $kid: cms_attach" bash -c '"$1" "$2" "$3" >"$4"' _ "$ATTACH" "$W/$n.sig" "$W/$n.der" "$W/$n.b64"
		form="re-attached"
	fi
	base64 -d "$W/$n.b64" >"$W/$n.cms"
	if [[ "$cc" == BH ]]; then
		it_not "$cc $kid: openssl cannot verify it ($form; it matches the signer by sid)" \
			openssl cms -verify -noverify -binary -inform DER -in "$W/$n.cms" -out /dev/null
	else
		# shellcheck disable=SC2016
		it_ok "$cc $kid: the $form CMS verifies with openssl" bash -c \
			'openssl cms -verify -noverify -binary -inform DER -in "$1" -out "$1.out" && cmp -s "$1.out" "$2"' \
			_ "$W/$n.cms" "$W/$n.der"
	fi
	st=$(it_curl "$PKI/extra/auth-$cc" POST /signerCertificate -H 'Content-Type: application/cms' \
		--data-binary @"$W/$n.b64")
	code=$(it_json code) details=$(it_json details)
	case $want in
	201)
		it_is "$cc $kid: accepted ($what)" "$st" 201
		it_is "$cc $kid: stored" "$(it_count signer_information "thumbprint='$tp'")" 1
		it_is "$cc $kid: stored signature is detached" "$(it_sql "SELECT signature FROM signer_information WHERE thumbprint='$tp'" |
			base64 -d | openssl cms -cmsout -print -inform DER | grep -c 'eContent: <ABSENT>')" 1
		it_curl DE GET "/trustList/DSC/$cc" >/dev/null
		it_like "$cc $kid: served with the real kid and thumbprint" "$(cat "$IT_BODY")" \
			"\"kid\":\"${kid//+/\\+}\",[^}]*\"thumbprint\":\"$tp\""
		row "$cc" "$kid" "$what" "201" "accepted; on the trust list"
		accepted=$((accepted + 1))
		continue
		;;
	empty) reason="CSCA list for country $cc is empty"
		why="check 5: no public CSCA of $cc (CMS and upload cert accepted)" ;;
	notissued) reason="Uploaded certificate is not issued (issuer name and signature) by a CSCA of country $cc"
		why="check 5: the public $cc CSCA has the DN but another key"
		[[ "$ca" == - ]] && why="check 5: only the stack's demo $cc CSCA is onboarded" ;;
	v1) reason="Uploaded certificate: X.509 version 1, version 3 required (SecReq-033)"
		why="SecReq-033: X.509 v1 DSC" ;;
	cmssha1) reason="The CMS digest SHA1 is not allowed, SHA-256, SHA-384 or SHA-512 required (SecReq-042)"
		why="SecReq-042: SHA-1 CMS digest" ;;
	dscsha1) reason="Uploaded certificate: signed with SHA1, SHA-256, SHA-384 or SHA-512 required (SecReq-042)"
		why="SecReq-042: SHA-1 DSC signature" ;;
	*) reason="unknown outcome $want" why=$reason ;;
	esac
	it_is "$cc $kid: refused ($what)" "$st:$code" "400:0x004"
	it_is "$cc $kid: reason" "$details" "$reason"
	it_is "$cc $kid: not stored" "$(it_count signer_information "thumbprint='$tp'")" 0
	row "$cc" "$kid" "$what" "400 $code" "$why"
	refused=$((refused + 1))
done
it_is "accepted samples" "$accepted" 9
it_is "refused samples" "$refused" 21

out=$(it_consumer_check "$PKI/ta.pem")
rc=$?
printf '%s\n' "$out" | sed 's/^/# consumer-check: /'
it_is "consumer-check passes" "$rc" 0
it_like "consumer-check verified the $accepted accepted DSCs" "$out" "DSC: $accepted entries, $accepted ok, 0 failed"

printf '# %s\n' "real upload CMS outcomes (check_dsc_expiry = no, check_upload_expiry = no):" \
	"$(printf '%-2s %-13s %-58s %-9s %s' CC kid 'the CMS' outcome reason)" "${SUMMARY[@]}"
it_done
