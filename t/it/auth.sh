#!/usr/bin/env bash
# Authentication through nginx with real mTLS: who gets in, who is refused,
# and that forged identity headers never reach the worker.
set -u
. "${DGCG_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}/t/lib.sh"
it_start

DE_T=$(it_thumb_pem "$PKI/DE/auth.pem")
FR_T=$(it_thumb_pem "$PKI/FR/auth.pem")

# A demo country's auth certificate: 200 and the sorted list.
st=$(it_curl DE GET /countrylist)
it_is "countrylist status" "$st" 200
it_is "countrylist body" "$(tr -d ' \n' < "$IT_BODY")" '["DE","FR","IE"]'
it_like "countrylist content type" "$(cat "$IT_HEADERS")" '[Cc]ontent-[Tt]ype: application/json'
it_log_has "Successful Authentication.*dnString=\"[^\"]*C=DE[^\"]*\".*thumbprint=\"$DE_T\""

# No client certificate: refused by nginx with a problem report.
st=$(it_curl - GET /countrylist)
it_is "no client cert status" "$st" 401
it_is "no client cert code" "$(it_json code)" 0x400

# A certificate from a CA nginx does not trust.
pki_client untrusted XX untrusted >/dev/null
st=$(it_curl "$PKI/extra/untrusted" GET /countrylist)
it_is "untrusted CA status" "$st" 401
it_is "untrusted CA code" "$(it_json code)" 0x402

# An expired certificate of the trusted client CA.
pki_client expired DE expired >/dev/null
st=$(it_curl "$PKI/extra/expired" GET /countrylist)
it_is "expired cert status" "$st" 401
it_is "expired cert code" "$(it_json code)" 0x402

# A revoked certificate (on the CRL nginx loads).
pki_client revoked DE revoked >/dev/null
stack_reload_nginx 2>/dev/null || true
st=$(it_curl "$PKI/extra/revoked" GET /countrylist)
it_is "revoked cert status" "$st" 401
it_is "revoked cert code" "$(it_json code)" 0x402

# Trusted by nginx but not onboarded: the worker refuses with 0x402.
pki_client stranger NL >/dev/null
NL_T=$(it_thumb_pem "$PKI/extra/stranger.pem")
st=$(it_curl "$PKI/extra/stranger" GET /countrylist)
it_is "not onboarded status" "$st" 401
it_is "not onboarded code" "$(it_json code)" 0x402
it_is "not onboarded problem" "$(it_json problem)" "Client is not authorized to access the service"
it_log_has "Unknown client certificate.*thumbprint=\"$NL_T\""

# A valid client forging the identity headers of another onboarded country:
# the worker still sees the client's own certificate.
for hdr in "X-SSL-Client-SHA256: $FR_T" "x-ssl-client-sha256: $FR_T"; do
	st=$(it_curl DE GET /countrylist -H "$hdr" -H "X-SSL-Client-DN: C=FR,CN=forged" \
		-H "x-ssl-client-dn: C=FR")
	it_is "forged headers status ($hdr)" "$st" 200
	rid=$(it_header X-Request-Id)
	it_ok "forged headers request id" test -n "$rid"
	it_log_has "traceId=\"?$rid\"?.*Successful Authentication.*thumbprint=\"$DE_T\""
	it_ok "forged thumbprint never authenticated ($hdr)" \
		bash -c "! grep -E 'traceId=\"?$rid\"?' '$DGCG_LOG' | grep -q '$FR_T'"
done
# An un-onboarded client forging FR's headers stays refused.
st=$(it_curl "$PKI/extra/stranger" GET /countrylist -H "X-SSL-Client-SHA256: $FR_T" \
	-H "X-SSL-Client-DN: C=FR")
it_is "stranger with forged headers" "$st" 401
it_is "stranger with forged headers code" "$(it_json code)" 0x402

# Routing answers are problem reports too.
st=$(it_curl DE GET /no/such/path)
it_is "unknown path status" "$st" 404
it_is "unknown path code" "$(it_json code)" 0x404
st=$(it_curl DE POST /countrylist -d x)
it_is "wrong method status" "$st" 405
it_is "wrong method code" "$(it_json code)" 0x405
it_like "wrong method Allow" "$(cat "$IT_HEADERS")" '[Aa]llow: GET'

# A body over nginx's cap is refused before it reaches a worker.
head -c $((3 * 1024 * 1024)) /dev/zero | tr '\0' 'A' > "$IT_DIR/big.b64"
st=$(it_curl DE POST /countrylist -H 'Content-Type: application/cms' --data-binary @"$IT_DIR/big.b64")
it_is "oversized body status" "$st" 413
it_is "oversized body code" "$(it_json code)" 0x413

it_done
