#!/usr/bin/env bash
# The one upload policy of the one signed-request pipeline (lib/domain/signed.c,
# doc/api.txt "Signed requests") on every signed endpoint, through nginx with
# mTLS: UPLOAD certificates of DE that are expired, not yet valid, RSA-1024,
# or a CMS with a SHA-1 digest. Uploads (POST /signerCertificate, /rules,
# /revocation-list, /cms-migration for each package type) are refused with the
# endpoint's code and a problem report, store nothing and audit only what the
# endpoint audits (DSC refusals: one BAD_REQUEST row, as the reference);
# deletes (DELETE /signerCertificate, /rules, /revocation-list) are refused for
# the digest only. A CMS with signingTime (openssl's default) from a signer
# outside its validity already fails the signature (step 2, Bouncy Castle's
# rule); one without signed attributes reaches the policy (step 4). The good
# upload certificate passes on every endpoint.
# shellcheck disable=SC2317 # the request and row functions are called through variables
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start

future=$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)
it_ok "grant DE every role" it_roles DE
# the stack sets none of the policy keys: the defaults of doc/operator-guide.txt
# (check_upload_expiry yes, min_rsa_bits 2048, allow_sha1 no) apply
it_is "policy keys at their defaults" \
	"$(it_conf check_upload_expiry)|$(it_conf min_rsa_bits)|$(it_conf min_ec_bits)|$(it_conf allow_sha1)" "|||"

# --- the signers: DE's good upload certificate and three bad ones, all onboarded ---------
GOOD=$PKI/DE/upload
it_ok "expired upload certificate" it_dated "$W/up-expired" "/C=DE/O=dgcg demo/CN=DE upload expired" \
	20200101000000Z 20210101000000Z
it_ok "not yet valid upload certificate" it_dated "$W/up-future" "/C=DE/O=dgcg demo/CN=DE upload future" \
	20400101000000Z 20410101000000Z
it_ok "RSA-1024 key" openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$W/up-rsa1024.key"
it_ok "RSA-1024 upload certificate" it_selfsigned "$W/up-rsa1024" "/C=DE/O=dgcg demo/CN=DE upload RSA-1024"
for s in up-expired up-future up-rsa1024; do
	it_ok "onboard $s as DE UPLOAD" it_onboard DE UPLOAD "$W/$s.pem"
done

# CASES: label|signer|openssl cms options|step an upload fails at (2 or 4)|its
# reason (a regex)|a delete: ok, or the step it fails at
CASES=(
	"expired, with signingTime|$W/up-expired||2|signingTime after the signer certificate's notAfter|2"
	"expired, no signed attributes|$W/up-expired|-noattr|4|Upload certificate \(CMS signer\) expired on 2021-01-01.*|ok"
	"not yet valid, with signingTime|$W/up-future||2|signingTime before the signer certificate's notBefore|2"
	"not yet valid, no signed attributes|$W/up-future|-noattr|4|Upload certificate \(CMS signer\) not valid before 2040-01-01.*|ok"
	"RSA-1024 key|$W/up-rsa1024||4|Upload certificate: RSA key of 1024 bits, at least 2048 required \(SecReq-042\)|ok"
	"SHA-1 CMS digest|$GOOD|-md sha1|4|The CMS digest SHA1 is not allowed, SHA-256, SHA-384 or SHA-512 required \(SecReq-042\)|4"
)
BAD_UPLOAD="Possible reasons: Wrong Format, no CMS, not the correct signing alg missing attributes, invalid signature, certificate not signed by known CA"
STR_SIG="Submitted string needs to be signed by a valid upload certificate"
PKG_SIG="Submitted package needs to be signed by a valid upload certificate"
# step 2 of the endpoints with a text payload (rules, batches): 400 0x260
string_sig() { S2_STATUS=400 S2_CODE=0x260 S2_PROBLEM="CMS signature is invalid" S2_SV="" S2_DETAILS=$STR_SIG; }

subject() { openssl x509 -in "$1.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//'; }
last_audit() { it_sql "SELECT CONCAT_WS('|', event, description, uploader_sha256_fingerprint) FROM audit_event ORDER BY id DESC LIMIT 1"; }
# audited NAME BEFORE ROW [SIGNER]: one audit row since BEFORE rows, ROW with
# SIGNER's thumbprint (default: the good upload certificate)
audited() {
	it_is "$1: audited" "$(it_count audit_event):$(last_audit)" "$(($2 + 1)):$3|$(it_thumb_pem "${4:-$GOOD}.pem")"
}
# every row of the three signed tables, with a digest of what was signed
state() {
	it_sql "SET SESSION group_concat_max_len = 1000000; SELECT CONCAT_WS('|',
		(SELECT COUNT(*) FROM signer_information), (SELECT COUNT(*) FROM revocation_batch),
		(SELECT COUNT(*) FROM validation_rule),
		COALESCE((SELECT GROUP_CONCAT(CONCAT_WS(',', id, thumbprint, MD5(COALESCE(signature, '')), deleted_at IS NULL) ORDER BY id) FROM signer_information), '-'),
		COALESCE((SELECT GROUP_CONCAT(CONCAT_WS(',', id, MD5(COALESCE(signed_batch, '')), deleted, changed) ORDER BY id) FROM revocation_batch), '-'),
		COALESCE((SELECT GROUP_CONCAT(CONCAT_WS(',', id, rule_id, version, MD5(signature)) ORDER BY id) FROM validation_rule), '-'))"
}

# The requests: SEND SIGNER [OPTIONS...]; prints the status. $TARGET is what
# they carry (a DSC base, a rule id, a batch id, a package entity id).
sign() { # IN SIGNER OPTIONS...: the CMS in $W/req.b64
	local in=$1 signer=$2
	shift 2
	it_cms "$in" "$signer" "$W/req.b64" "$@"
}
cms_post() { it_curl DE "$1" "$2" -H "Content-Type: $3" --data-binary @"$W/req.b64"; }
dsc_up() { sign "$TARGET.der" "$@" && cms_post POST /signerCertificate application/cms; }
dsc_del() { sign "$TARGET.der" "$@" && cms_post DELETE /signerCertificate application/cms; }
rule_up() { sign "$W/rule.json" "$@" && cms_post POST /rules application/cms-text; }
rule_del() { printf '%s' "$TARGET" > "$W/rule-id.txt"; sign "$W/rule-id.txt" "$@" && cms_post DELETE /rules application/cms-text; }
batch_up() { sign "$W/batch.json" "$@" && cms_post POST /revocation-list application/cms-text; }
batch_del() { printf '{"batchId":"%s"}' "$TARGET" > "$W/batch-id.json"; sign "$W/batch-id.json" "$@" && cms_post DELETE /revocation-list application/cms-text; }
mig() { # the package of type $MIG for row $TARGET, its CMS over $MIG_IN
	local signer=$1
	shift
	it_package "$W/pkg.json" "$MIG" "$TARGET" "$(it_cms "$MIG_IN" "$signer" - "$@")" &&
		it_curl DE POST /cms-migration -H 'Content-Type: application/json' --data-binary @"$W/pkg.json"
}

# accepted NAME SEND STATUS: SEND with the good upload certificate answers
# STATUS; A0 is the number of audit rows before
accepted() {
	A0=$(it_count audit_event)
	it_is "$1, good upload certificate" "$("$2" "$GOOD")" "$3"
}

# refused NAME STATUS CODE PROBLEM SENDVALUE DETAILS AUDIT AUDITROW -- SEND ARGS...:
# the answer is a problem report with these fields (DETAILS: an extended
# regex, anchored), nothing stored, AUDIT new audit rows (the last one AUDITROW).
refused() {
	local name=$1 status=$2 code=$3 problem=$4 sv=$5 details=$6 audit=$7 row=$8 before a st
	shift 9
	before=$(state); a=$(it_count audit_event)
	st=$("$@")
	it_is "$name: status and code" "$st:$(it_json code)" "$status:$code"
	it_ok "$name: a problem report" it_shape ':code,problem,sendValue,details'
	it_is "$name: problem" "$(it_json problem)" "$problem"
	it_is "$name: sendValue" "$(it_json sendValue)" "$sv"
	it_like "$name: details" "$(it_json details)" "^$details\$"
	it_is "$name: nothing stored" "$(state)" "$before"
	it_is "$name: audit rows" "$(it_count audit_event)" $((a + audit))
	[[ -z "$row" ]] || it_is "$name: audit row" "$(last_audit)" "$row"
}

# upload_cases EP SEND: the six refusals of one upload endpoint; the rows of
# step 4 and step 2 are in S4_* and S2_* (SV "subject": the signer's subject).
upload_cases() {
	local ep=$1 send=$2 c label signer opts step why del sv audit row details
	for c in "${CASES[@]}"; do
		IFS='|' read -r label signer opts step why del <<<"$c"
		if [[ $step == 4 ]]; then
			sv=$S4_SV; audit=$S4_AUDIT; row=${S4_ROW:+$S4_ROW|$(it_thumb_pem "$signer.pem")}
			details=$why
			[[ "$sv" == subject ]] && sv=$(subject "$signer")
			# shellcheck disable=SC2086 # opts: zero or more options
			refused "$ep, $label" "$S4_STATUS" "$S4_CODE" "$S4_PROBLEM" "$sv" "$details" "$audit" "$row" -- \
				"$send" "$signer" $opts
		else
			# shellcheck disable=SC2086
			refused "$ep, $label" "$S2_STATUS" "$S2_CODE" "$S2_PROBLEM" "$S2_SV" "${S2_DETAILS:-$why}" 0 "" -- \
				"$send" "$signer" $opts
		fi
	done
}

# --- POST /signerCertificate ----------------------------------------------------------------
it_dsc "$W/dsc" "/C=DE/O=dgcg demo/CN=DE policy DSC" DE
TARGET=$W/dsc
S4_STATUS=400 S4_CODE=0x004 S4_PROBLEM=$BAD_UPLOAD S4_SV=$(it_thumb_pem "$W/dsc.pem") S4_AUDIT=1
S4_ROW="BAD_REQUEST|postVerificationInformation triggered BAD_REQUEST"
S2_STATUS=400 S2_CODE=0x009 S2_PROBLEM="Invalid CMS Signature" S2_SV=$S4_SV S2_DETAILS=""
upload_cases "POST /signerCertificate" dsc_up
accepted "POST /signerCertificate" dsc_up 201
it_is "... the DSC row" "$(it_count signer_information "thumbprint='$S4_SV' AND signature IS NOT NULL")" 1
audited "POST /signerCertificate" "$A0" "SUCCESS|postVerificationInformation successful executed"

# --- POST /rules --------------------------------------------------------------------------------
it_rule "$W/rule.json"
S4_STATUS=400 S4_CODE=0x230 S4_PROBLEM="Invalid Upload Cert" S4_SV=subject S4_AUDIT=0 S4_ROW=""
string_sig
upload_cases "POST /rules" rule_up
accepted "POST /rules" rule_up 201
it_is "... the rule row" "$(it_count validation_rule "rule_id='GR-DE-0001'")" 1
audited "POST /rules" "$A0" "CREATED|Created Validation Rule with ID GR-DE-0001 (1.0.0)"

# --- POST /revocation-list ----------------------------------------------------------------------
it_batch "$W/batch.json" DE "$future" UCI 2
S4_STATUS=403 S4_CODE=0x000 S4_PROBLEM="Invalid Upload Certificate" S4_SV=subject S4_AUDIT=0 S4_ROW=""
string_sig
upload_cases "POST /revocation-list" batch_up
accepted "POST /revocation-list" batch_up 201
B=$(it_header ETag)
it_is "... the batch row" "$(it_count revocation_batch "batch_id='$B' AND deleted=0")" 1
audited "POST /revocation-list" "$A0" "CREATED|Uploaded Revocation Batch ($B)"

# --- POST /cms-migration, each package type, on the rows just uploaded ------------------------
mig_row() { # TYPE ID: MD5 of the row's signed data
	case $1 in
	DSC) it_sql "SELECT MD5(signature) FROM signer_information WHERE id=$2" ;;
	REVOCATION_LIST) it_sql "SELECT MD5(signed_batch) FROM revocation_batch WHERE id=$2" ;;
	VALIDATION_RULE) it_sql "SELECT MD5(signature) FROM validation_rule WHERE id=$2" ;;
	esac
}
for MIG in DSC REVOCATION_LIST VALIDATION_RULE; do
	case $MIG in
	DSC) TARGET=$(it_sql "SELECT id FROM signer_information WHERE thumbprint='$(it_thumb_pem "$W/dsc.pem")'")
		MIG_IN=$W/dsc.der desc="Updated Signer Certificate ($TARGET)" ;;
	REVOCATION_LIST) TARGET=$(it_sql "SELECT id FROM revocation_batch WHERE batch_id='$B'")
		MIG_IN=$W/batch.json desc="Updated Revocation Batch ($B)" ;;
	VALIDATION_RULE) TARGET=$(it_sql "SELECT id FROM validation_rule WHERE rule_id='GR-DE-0001'")
		MIG_IN=$W/rule.json desc="Updated Validation Rule ($TARGET)" ;;
	esac
	S4_STATUS=400 S4_CODE=0x004 S4_PROBLEM=$BAD_UPLOAD S4_SV="entityId=$TARGET type=$MIG country=DE"
	S4_AUDIT=0 S4_ROW=""
	S2_STATUS=400 S2_CODE=0x260 S2_PROBLEM="CMS signature is invalid" S2_SV=$S4_SV S2_DETAILS=""
	CASES_SAVED=("${CASES[@]}")
	# migration's step 2 details: the package text, then the reason
	for i in "${!CASES[@]}"; do
		IFS='|' read -r label signer opts step why del <<<"${CASES[$i]}"
		[[ $step == 2 ]] && why="$PKG_SIG \($why\)"
		CASES[i]="$label|$signer|$opts|$step|$why|$del"
	done
	upload_cases "POST /cms-migration $MIG" mig
	CASES=("${CASES_SAVED[@]}")
	before=$(mig_row "$MIG" "$TARGET")
	accepted "POST /cms-migration $MIG" mig 204
	it_not "... the row re-signed" test "$(mig_row "$MIG" "$TARGET")" = "$before"
	audited "POST /cms-migration $MIG" "$A0" "UPDATED|$desc"
done

# --- deletes: refused for the digest (and, with signingTime, the signature), never
# for the signer's key size or validity; each allowed delete takes the next target
# delete_cases EP SEND ALLOWED: the six cases on one delete endpoint and the good
# certificate; ALLOWED TARGET prints the row's state, ALLOWED_WANT once deleted;
# allowed_row TARGET the audit row of a delete (the signer's thumbprint appended);
# $TARGETS: four targets, uploaded with the good certificate
delete_cases() {
	local ep=$1 send=$2 allowed=$3 n=0 c label signer opts step why del sv a st
	for c in "${CASES[@]}"; do
		IFS='|' read -r label signer opts step why del <<<"$c"
		TARGET=${TARGETS[$n]}
		if [[ $del == ok ]]; then
			a=$(it_count audit_event)
			# shellcheck disable=SC2086
			st=$("$send" "$signer" $opts)
			it_is "$ep, $label: allowed" "$st" 204
			it_is "$ep, $label: deleted" "$("$allowed" "$TARGET")" "$ALLOWED_WANT"
			audited "$ep, $label" "$a" "$(allowed_row "$TARGET")" "$signer"
			n=$((n + 1))
		elif [[ $del == 4 ]]; then
			sv=$S4_SV
			[[ "$sv" == subject ]] && sv=$(subject "$signer")
			[[ "$sv" == target ]] && sv=$(it_thumb_pem "$TARGET.pem")
			# shellcheck disable=SC2086
			refused "$ep, $label" "$S4_STATUS" "$S4_CODE" "$S4_PROBLEM" "$sv" "$why" "$S4_AUDIT" \
				"${S4_ROW:+$S4_ROW|$(it_thumb_pem "$signer.pem")}" -- "$send" "$signer" $opts
		else
			sv=$S2_SV
			[[ "$sv" == target ]] && sv=$(it_thumb_pem "$TARGET.pem")
			# shellcheck disable=SC2086
			refused "$ep, $label" "$S2_STATUS" "$S2_CODE" "$S2_PROBLEM" "$sv" "${S2_DETAILS:-$why}" 0 "" -- \
				"$send" "$signer" $opts
		fi
	done
	TARGET=${TARGETS[$n]}
	accepted "$ep" "$send" 204
	it_is "$ep, good upload certificate: deleted" "$("$allowed" "$TARGET")" "$ALLOWED_WANT"
	audited "$ep, good upload certificate" "$A0" "$(allowed_row "$TARGET")"
}

# DELETE /signerCertificate: four more DSCs
TARGETS=()
for i in 1 2 3 4; do
	it_dsc "$W/del$i" "/C=DE/O=dgcg demo/CN=DE DSC to delete $i" DE
	TARGET=$W/del$i
	it_is "DSC $i uploaded" "$(dsc_up "$GOOD")" 201
	TARGETS+=("$W/del$i")
done
dsc_gone() { it_sql "SELECT CONCAT(signature IS NULL, ' ', deleted_at IS NOT NULL) FROM signer_information WHERE thumbprint='$(it_thumb_pem "$1.pem")'"; }
allowed_row() { printf 'SUCCESS|revokeVerificationInformation triggered SUCCESS'; }
ALLOWED_WANT="1 1"
S4_STATUS=400 S4_CODE=0x007 S4_PROBLEM=$BAD_UPLOAD S4_SV=target S4_AUDIT=1
S4_ROW="BAD_REQUEST|revokeVerificationInformation triggered BAD_REQUEST"
S2_STATUS=400 S2_CODE=0x009 S2_PROBLEM="Invalid CMS Signature" S2_SV=target S2_DETAILS=""
delete_cases "DELETE /signerCertificate" dsc_del dsc_gone

# DELETE /rules: four more rules
TARGETS=()
for i in 1 2 3 4; do
	it_rule "$W/rule.json" Identifier="\"GR-DE-010$i\""
	it_is "rule GR-DE-010$i uploaded" "$(rule_up "$GOOD")" 201
	TARGETS+=("GR-DE-010$i")
done
rule_gone() { it_count validation_rule "rule_id='$1'"; }
allowed_row() { printf 'DELETED|Deleted Validation Rule with ID %s' "$1"; }
ALLOWED_WANT=0
S4_STATUS=400 S4_CODE=0x230 S4_PROBLEM="Invalid Upload certificate" S4_SV="" S4_AUDIT=0 S4_ROW=""
string_sig
delete_cases "DELETE /rules" rule_del rule_gone

# DELETE /revocation-list: four more batches
TARGETS=()
for i in 1 2 3 4; do
	it_batch "$W/batch.json" DE "$future" UCI 2
	it_is "batch $i uploaded" "$(batch_up "$GOOD")" 201
	TARGETS+=("$(it_header ETag)")
done
batch_gone() { it_sql "SELECT CONCAT_WS('|', deleted, signed_batch IS NULL) FROM revocation_batch WHERE batch_id='$1'"; }
allowed_row() { printf 'DELETED|Deleted Revocation Batch (%s)' "$1"; }
ALLOWED_WANT="1|1"
S4_STATUS=403 S4_CODE=0x000 S4_PROBLEM="Invalid Upload Certificate" S4_SV=subject S4_AUDIT=0 S4_ROW=""
string_sig
delete_cases "DELETE /revocation-list" batch_del batch_gone

it_done
