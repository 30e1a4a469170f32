#!/usr/bin/env bash
# pki.sh: the demo PKI of a dgcg stack, made with openssl (never real keys).
#
# Sourced: defines functions working on the directory $PKI.
#   pki_init                     trust anchor, server CA + server cert, client CA + empty CRL
#   pki_country CC               CC/auth (by client-ca), CC/upload, CC/csca, CC/dsc (by CC/csca)
#   pki_client NAME CC [KIND]    extra/NAME.pem|key, a client certificate for country CC;
#                                KIND: (none) good, issued by client-ca but not onboarded;
#                                expired (validity 2020-2021, by client-ca); untrusted (by a
#                                throwaway CA nginx does not know); revoked (by client-ca,
#                                then revoked and client-ca.crl regenerated: nginx must
#                                reload to see it)
#   pki_all CC...                pki_init + pki_country for each CC
#   pki_server NAME CN SAN...    nodes/NAME.pem|key, a server (and client) certificate by
#                                server-ca with subjectAltName IP:SAN for each address SAN, or
#                                SAN as given when it has a colon (DNS:name); deploy/cluster:
#                                each node's own addresses
#   pki_proxy NAME               proxy-ca.pem|key (a CA of its own, with proxy-ca.crl) and
#                                proxy/NAME.pem|key, a client certificate it issues: the load
#                                balancer's identity towards the gateway hosts. That CA issues
#                                nothing else, so a host trusting only it serves the LB only.
# Run: deploy/pki.sh DIR [CC...]  (default countries: DE FR IE).
#
# Layout under $PKI: ta.pem|key, server-ca.pem|key, server.pem|key (SAN 127.0.0.1,
# localhost), client-ca.pem|key, client-ca.crl, CC/{auth,upload,csca,dsc}.pem|key,
# extra/NAME.pem|key, ca/ (openssl ca state for client-ca), untrusted-ca.pem|key;
# pki_server and pki_proxy add nodes/NAME.pem|key, proxy-ca.pem|key|crl,
# ca-proxy/ (its openssl ca state) and proxy/NAME.pem|key.
# All keys EC P-256, unencrypted PKCS#8 PEM. Validity 2 years, DSC 1 year.
# Idempotent: an existing key or certificate is kept; a function only makes what is missing.
# Functions return non-zero (and say why on stderr) when openssl fails.

PKI_DAYS=${PKI_DAYS:-730}
PKI_DSC_DAYS=${PKI_DSC_DAYS:-365}

_pki_err() { printf 'pki: %s\n' "$*" >&2; }

# _pki_openssl ARGS...: openssl, quiet unless it fails.
_pki_openssl() {
	local out
	if ! out=$(openssl "$@" 2>&1); then
		_pki_err "openssl $1 failed: $out"
		return 1
	fi
}

# _pki_key FILE: an EC P-256 key (PKCS#8, unencrypted), kept when present.
_pki_key() {
	[[ -s "$1" ]] && return 0
	( umask 077 && _pki_openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" )
}

_pki_serial() { printf '0x%s' "$(openssl rand -hex 16 | sed 's/^./7/')"; }

# _pki_conf: the extension profiles (req.cnf) and the client-ca `openssl ca` config.
_pki_conf() {
	mkdir -p "$PKI/ca/newcerts" || return 1
	[[ -f "$PKI/ca/index.txt" ]] || : >"$PKI/ca/index.txt"
	[[ -s "$PKI/ca/serial" ]] || openssl rand -hex 16 | sed 's/^./7/' >"$PKI/ca/serial"
	[[ -s "$PKI/ca/crlnumber" ]] || echo 01 >"$PKI/ca/crlnumber"
	[[ -s "$PKI/ca/req.cnf" ]] || cat >"$PKI/ca/req.cnf" <<'EOF'
# Extension profiles for openssl req -x509 / x509 -req (deploy/pki.sh).
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ta]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[signing]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
[dsc]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF
	[[ -s "$PKI/ca/client-ca.cnf" ]] || cat >"$PKI/ca/client-ca.cnf" <<EOF
# openssl ca configuration of the demo client CA (deploy/pki.sh).
[ca]
default_ca = client_ca
[client_ca]
dir = $PKI/ca
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = $PKI/client-ca.pem
private_key = $PKI/client-ca.key
default_md = sha256
default_days = $PKI_DAYS
default_crl_days = 3650
policy = policy_any
preserve = yes
unique_subject = no
copy_extensions = none
email_in_dn = no
x509_extensions = client
[policy_any]
countryName = optional
organizationName = optional
organizationalUnitName = optional
commonName = supplied
[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
EOF
}

# _pki_selfsigned BASE SUBJECT PROFILE DAYS: BASE.pem self-signed with BASE.key.
_pki_selfsigned() {
	[[ -s "$1.pem" ]] && return 0
	_pki_key "$1.key" || return 1
	_pki_openssl req -x509 -new -config "$PKI/ca/req.cnf" -extensions "$3" -sha256 \
		-key "$1.key" -subj "$2" -days "$4" -set_serial "$(_pki_serial)" -out "$1.pem"
}

# _pki_issued BASE SUBJECT PROFILE DAYS CABASE: BASE.pem issued by CABASE.pem|key.
_pki_issued() {
	[[ -s "$1.pem" ]] && return 0
	_pki_key "$1.key" || return 1
	_pki_openssl req -new -config "$PKI/ca/req.cnf" -key "$1.key" -subj "$2" -out "$1.csr" || return 1
	_pki_openssl x509 -req -in "$1.csr" -CA "$5.pem" -CAkey "$5.key" -set_serial "$(_pki_serial)" \
		-sha256 -days "$4" -extfile "$PKI/ca/req.cnf" -extensions "$3" -out "$1.pem" || return 1
	rm -f "$1.csr"
}

# _pki_ca_issue BASE SUBJECT [openssl ca options...]: BASE.pem issued by client-ca
# with `openssl ca` (so it is in the index and can be revoked).
_pki_ca_issue() {
	local base=$1 subj=$2
	shift 2
	[[ -s "$base.pem" ]] && return 0
	_pki_key "$base.key" || return 1
	_pki_openssl req -new -config "$PKI/ca/req.cnf" -key "$base.key" -subj "$subj" -out "$base.csr" || return 1
	_pki_openssl ca -batch -config "$PKI/ca/client-ca.cnf" -notext -in "$base.csr" -out "$base.pem" "$@" || return 1
	rm -f "$base.csr"
}

# pki_crl: (re)generates client-ca.crl from the client-ca index.
pki_crl() {
	_pki_openssl ca -batch -config "$PKI/ca/client-ca.cnf" -gencrl -out "$PKI/client-ca.crl.tmp" &&
		mv -f "$PKI/client-ca.crl.tmp" "$PKI/client-ca.crl"
}

pki_init() {
	[[ -n "${PKI:-}" ]] || { _pki_err "PKI is not set"; return 1; }
	mkdir -p "$PKI" || return 1
	PKI=$(cd "$PKI" && pwd) || return 1
	_pki_conf || return 1
	# the TA signs CMS (detached, over each trusted party's DER): digitalSignature
	_pki_selfsigned "$PKI/ta" "/C=EU/O=dgcg demo/CN=dgcg demo trust anchor" ta "$PKI_DAYS" || return 1
	_pki_selfsigned "$PKI/server-ca" "/O=dgcg demo/CN=dgcg demo server CA" ca "$PKI_DAYS" || return 1
	_pki_issued "$PKI/server" "/O=dgcg demo/CN=localhost" server "$PKI_DAYS" "$PKI/server-ca" || return 1
	_pki_selfsigned "$PKI/client-ca" "/O=dgcg demo/CN=dgcg demo client CA" ca "$PKI_DAYS" || return 1
	[[ -s "$PKI/client-ca.crl" ]] || pki_crl || return 1
}

# pki_country CC: the four certificates of one country.
pki_country() {
	local cc=$1 d="$PKI/$1"
	[[ "$cc" =~ ^[A-Z]{2}$ ]] || { _pki_err "bad country '$cc'"; return 1; }
	mkdir -p "$d" || return 1
	_pki_ca_issue "$d/auth" "/C=$cc/O=dgcg demo/CN=$cc auth" || return 1
	_pki_selfsigned "$d/upload" "/C=$cc/O=dgcg demo/CN=$cc upload" signing "$PKI_DAYS" || return 1
	_pki_selfsigned "$d/csca" "/C=$cc/O=dgcg demo/CN=$cc csca" ca "$PKI_DAYS" || return 1
	_pki_issued "$d/dsc" "/C=$cc/O=dgcg demo/CN=$cc dsc" dsc "$PKI_DSC_DAYS" "$d/csca" || return 1
}

# pki_client NAME CC [good|expired|untrusted|revoked]
pki_client() {
	local name=$1 cc=$2 kind=${3:-good} base serial
	base="$PKI/extra/$name"
	mkdir -p "$PKI/extra" || return 1
	case $kind in
	good)
		_pki_ca_issue "$base" "/C=$cc/O=dgcg demo/CN=$cc $name" ;;
	expired)
		_pki_ca_issue "$base" "/C=$cc/O=dgcg demo/CN=$cc $name" \
			-startdate 20200101000000Z -enddate 20210101000000Z ;;
	untrusted)
		_pki_selfsigned "$PKI/untrusted-ca" "/O=dgcg demo/CN=dgcg untrusted CA" ca "$PKI_DAYS" &&
			_pki_issued "$base" "/C=$cc/O=dgcg demo/CN=$cc $name" client "$PKI_DAYS" "$PKI/untrusted-ca" ;;
	revoked)
		_pki_ca_issue "$base" "/C=$cc/O=dgcg demo/CN=$cc $name" || return 1
		serial=$(openssl x509 -in "$base.pem" -noout -serial) || return 1
		serial=${serial#serial=}
		grep -q "^R.*	$serial	" "$PKI/ca/index.txt" && return 0
		_pki_openssl ca -batch -config "$PKI/ca/client-ca.cnf" -revoke "$base.pem" \
			-crl_reason keyCompromise || return 1
		pki_crl ;;
	*)
		_pki_err "pki_client: unknown kind '$kind'"
		return 1 ;;
	esac
}

# pki_server NAME CN SAN...: nodes/NAME.pem|key by server-ca with
# subjectAltName IP:SAN for each address, SAN itself for DNS:... (serverAuth and clientAuth: a Galera node
# uses one certificate both ways, for replication and SST).
pki_server() {
	local name=$1 cn=$2 san="" ip d="$PKI/nodes"
	shift 2
	[[ -s "$d/$name.pem" ]] && return 0
	mkdir -p "$d" || return 1
	for ip in "$@"; do
		[[ "$ip" == *:* ]] || ip=IP:$ip
		san+="${san:+, }$ip"
	done
	printf '%s\n' "basicConstraints = critical, CA:FALSE" "keyUsage = critical, digitalSignature" \
		"extendedKeyUsage = serverAuth, clientAuth" "subjectAltName = $san" \
		"subjectKeyIdentifier = hash" "authorityKeyIdentifier = keyid, issuer" >"$d/$name.ext" || return 1
	_pki_key "$d/$name.key" || return 1
	_pki_openssl req -new -config "$PKI/ca/req.cnf" -key "$d/$name.key" -subj "/O=dgcg demo/CN=$cn" \
		-out "$d/$name.csr" || return 1
	_pki_openssl x509 -req -in "$d/$name.csr" -CA "$PKI/server-ca.pem" -CAkey "$PKI/server-ca.key" \
		-set_serial "$(_pki_serial)" -sha256 -days "$PKI_DAYS" -extfile "$d/$name.ext" \
		-out "$d/$name.pem" || return 1
	rm -f "$d/$name.csr" "$d/$name.ext"
}

# pki_proxy NAME: the proxy CA (its own `openssl ca` state in ca-proxy/ and
# an empty proxy-ca.crl: nginx's ssl_crl wants a CRL for every CA it trusts)
# and proxy/NAME.pem|key, a client certificate it issues.
pki_proxy() {
	local name=$1 d="$PKI/ca-proxy"
	mkdir -p "$d/newcerts" "$PKI/proxy" || return 1
	[[ -f "$d/index.txt" ]] || : >"$d/index.txt"
	[[ -s "$d/serial" ]] || openssl rand -hex 16 | sed 's/^./7/' >"$d/serial"
	[[ -s "$d/crlnumber" ]] || echo 01 >"$d/crlnumber"
	[[ -s "$d/proxy-ca.cnf" ]] || sed -e "s|^dir = .*|dir = $d|" \
		-e "s|^certificate = .*|certificate = $PKI/proxy-ca.pem|" \
		-e "s|^private_key = .*|private_key = $PKI/proxy-ca.key|" \
		-e 's|demo client CA|demo proxy CA|' "$PKI/ca/client-ca.cnf" >"$d/proxy-ca.cnf" || return 1
	_pki_selfsigned "$PKI/proxy-ca" "/O=dgcg demo/CN=dgcg demo proxy CA" ca "$PKI_DAYS" || return 1
	if [[ ! -s "$PKI/proxy-ca.crl" ]]; then
		_pki_openssl ca -batch -config "$d/proxy-ca.cnf" -gencrl -out "$PKI/proxy-ca.crl.tmp" &&
			mv -f "$PKI/proxy-ca.crl.tmp" "$PKI/proxy-ca.crl" || return 1
	fi
	[[ -s "$PKI/proxy/$name.pem" ]] && return 0
	_pki_key "$PKI/proxy/$name.key" || return 1
	_pki_openssl req -new -config "$PKI/ca/req.cnf" -key "$PKI/proxy/$name.key" \
		-subj "/O=dgcg demo/CN=$name" -out "$PKI/proxy/$name.csr" || return 1
	_pki_openssl ca -batch -config "$d/proxy-ca.cnf" -notext -in "$PKI/proxy/$name.csr" \
		-out "$PKI/proxy/$name.pem" || return 1
	rm -f "$PKI/proxy/$name.csr"
}

pki_all() {
	local cc
	pki_init || return 1
	for cc in "$@"; do
		pki_country "$cc" || return 1
	done
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
	set -u
	if [[ $# -lt 1 ]]; then
		echo "usage: $0 DIR [CC...]" >&2
		exit 2
	fi
	PKI=$1
	shift
	[[ $# -gt 0 ]] || set -- DE FR IE
	pki_all "$@" || exit 1
fi
