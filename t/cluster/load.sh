#!/usr/bin/env bash
# load.sh ID CC MODE DIR: one load client of t/cluster/faults.sh, run in the
# cluster's client namespace (cl_in), with DGCG_URL, DGCG_CACERT and PKI in
# the environment. Requests through the balancer while DIR/load.run exists,
# one line per request appended to DIR/load-ID:
#   start (epoch s) kind what code status seconds request-id
# what: the thumbprint or rule id of an upload, else -; code: the problem
# code of the answer, - when none. MODE mixed: GETs and the uploads
# DIR/up/ID-N.dsc (.dsc.tp: its thumbprint) and DIR/up/ID-N.rule (.rule.id),
# each sent once, in order, across runs (DIR/next-ID keeps the place); MODE
# get: GETs only.
set -u
cid=$1 cc=$2 mode=$3 dir=$4
out=$dir/load-$cid
cert=(--cert "$PKI/$cc/auth.pem" --key "$PKI/$cc/auth.key")
kinds=(countrylist dsc trustlist rule trustlist-dsc valuesets)
[[ "$mode" == get ]] && kinds=(countrylist trustlist rules trustlist-dsc valuesets)
dn=0 rn=0
[[ -s "$dir/next-$cid" ]] && read -r dn rn <"$dir/next-$cid"
i=0
while [[ -e "$dir/load.run" ]]; do
	kind=${kinds[i++ % ${#kinds[@]}]}
	what=- args=()
	case $kind in
	countrylist) path=/countrylist ;;
	trustlist) path=/trustList ;;
	trustlist-dsc) path=/trustList/DSC/$cc ;;
	rules) path=/rules/$cc ;;
	valuesets) path=/valuesets ;;
	dsc)
		[[ -s "$dir/up/$cid-$dn.dsc" ]] || continue
		read -r what <"$dir/up/$cid-$dn.dsc.tp"
		path=/signerCertificate
		args=(-H 'Content-Type: application/cms' --data-binary @"$dir/up/$cid-$dn.dsc")
		dn=$((dn + 1))
		;;
	rule)
		[[ -s "$dir/up/$cid-$rn.rule" ]] || continue
		what=$(<"$dir/up/$cid-$rn.rule.id")
		path=/rules
		args=(-H 'Content-Type: application/cms-text' --data-binary @"$dir/up/$cid-$rn.rule")
		rn=$((rn + 1))
		;;
	esac
	printf '%s %s\n' "$dn" "$rn" >"$dir/next-$cid"
	start=$EPOCHREALTIME
	res=$(curl -s -g --max-time 60 --cacert "$DGCG_CACERT" "${cert[@]}" -o "$out.body" \
		-w '%{http_code} %{time_total} %header{x-request-id}' "${args[@]}" "$DGCG_URL$path")
	code=-
	body=$(<"$out.body")
	[[ "$body" =~ \"code\":\"([^\"]*)\" ]] && code=${BASH_REMATCH[1]}
	printf '%s %s %s %s %s\n' "$start" "$kind" "$what" "$code" "${res:-000 0 -}" >>"$out"
	sleep 0.05
done
