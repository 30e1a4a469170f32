// dgcg.js: njs helpers for nginx/dgcg-site.conf.in.
//
// client_sha256: the SHA-256 (lower-case hex) of the DER encoding of the
// verified client certificate, i.e. the thumbprint the gateway looks up in
// trusted_party (same as `openssl x509 -outform DER | sha256sum`). nginx
// 1.22 only offers a SHA-1 fingerprint, so it is computed here from
// $ssl_client_raw_cert (PEM). Empty when there is no client certificate.
function client_sha256(r) {
    var pem = r.variables.ssl_client_raw_cert;
    if (!pem) {
        return '';
    }
    var b64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
    if (b64.length === 0) {
        return '';
    }
    return require('crypto').createHash('sha256')
        .update(Buffer.from(b64, 'base64')).digest('hex');
}

export default { client_sha256 };
