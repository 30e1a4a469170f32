#!/usr/bin/env python3
"""sync_craft.py: crafted trust lists for the fake gateway (t/it/sync_fake.sh).

  sync_craft.py PKI OUT

From the demo PKI (deploy/pki.sh: ta, DE and FR csca/upload/dsc) writes into
OUT the lists a gateway would serve, with items a real dgcg never serves:
  good-{CSCA,UPLOAD,DSC}.json   2 CSCAs, 2 UPLOADs, 2 DSCs (DE, FR), all valid
  bad-{CSCA,UPLOAD,DSC}.json    the good ones plus one crafted item per reason
  v2-{CSCA,UPLOAD,DSC}.json     the good ones as TNG v2 items
  expected.json                 [[certificateType, kid, reason], ...] of the bad lists
  extra/                        the crafted certificates and keys
CMS are made with openssl cms (detached, SHA-256), as dgcg-admin ta-sign and
the gateway's stored upload signatures are.
"""
import base64
import datetime
import hashlib
import json
import os
import subprocess
import sys
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

PKI, OUT = sys.argv[1], sys.argv[2]
EXTRA = os.path.join(OUT, "extra")
os.makedirs(EXTRA, exist_ok=True)
NOW = datetime.datetime.now(datetime.timezone.utc)


def pem_der(path):
    return x509.load_pem_x509_certificate(open(path, "rb").read()).public_bytes(
        serialization.Encoding.DER)


def key(path):
    return serialization.load_pem_private_key(open(path, "rb").read(), None)


def cms(der, signer, signkey):
    """base64 of a detached CMS over der, by signer/signkey (PEM paths)."""
    d = os.path.join(EXTRA, "content.der")
    open(d, "wb").write(der)
    out = subprocess.run(["openssl", "cms", "-sign", "-binary", "-md", "sha256", "-in", d,
                          "-signer", signer, "-inkey", signkey, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return base64.b64encode(out).decode()


def item(type_, cc, der, signer, signkey):
    h = hashlib.sha256(der).digest()
    return {"kid": base64.b64encode(h[:8]).decode(),
            "timestamp": "2026-11-30T10:00:00Z", "country": cc, "certificateType": type_,
            "thumbprint": h.hex(), "signature": cms(der, signer, signkey) if signer else None,
            "rawData": base64.b64encode(der).decode()}


def name(cc, cn):
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, cc)] if cc else []
    return x509.Name(attrs + [x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dgcg demo"),
                              x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def cert(subject, issuer_cert, issuer_key, pub, nb=-1, na=365, ca=False, save=None):
    """A certificate valid from now+nb to now+na days; its DER (saved as PEM)."""
    b = (x509.CertificateBuilder().subject_name(subject)
         .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)
         .public_key(pub).serial_number(x509.random_serial_number())
         .not_valid_before(NOW + datetime.timedelta(days=nb))
         .not_valid_after(NOW + datetime.timedelta(days=na))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    c = b.sign(issuer_key, hashes.SHA256())
    if save:
        open(os.path.join(EXTRA, save + ".pem"), "wb").write(
            c.public_bytes(serialization.Encoding.PEM))
    return c.public_bytes(serialization.Encoding.DER)


def new_key(save):
    k = ec.generate_private_key(ec.SECP256R1())
    open(os.path.join(EXTRA, save + ".key"), "wb").write(k.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return k


P = lambda *a: os.path.join(PKI, *a)
TA = (P("ta.pem"), P("ta.key"))
UP = {cc: (P(cc, "upload.pem"), P(cc, "upload.key")) for cc in ("DE", "FR")}
CSCA = {cc: x509.load_pem_x509_certificate(open(P(cc, "csca.pem"), "rb").read())
        for cc in ("DE", "FR")}
CSCAKEY = {cc: key(P(cc, "csca.key")) for cc in ("DE", "FR")}

good = {"CSCA": [], "UPLOAD": [], "DSC": []}
for cc in ("DE", "FR"):
    good["CSCA"].append(item("CSCA", cc, pem_der(P(cc, "csca.pem")), *TA))
    good["UPLOAD"].append(item("UPLOAD", cc, pem_der(P(cc, "upload.pem")), *TA))
    good["DSC"].append(item("DSC", cc, pem_der(P(cc, "dsc.pem")), *UP[cc]))

bad = json.loads(json.dumps(good))
expected = []


def dsc(cn, cc="DE", issuer="DE", nb=-1, na=365):
    k = new_key(cn)
    return cert(name(cc, cn), CSCA[issuer], CSCAKEY[issuer], k.public_key(), nb, na, save=cn)


def bad_dsc(reason, it, type_="DSC"):
    bad[type_].append(it)
    expected.append([type_, it["kid"] if isinstance(it["kid"], str) else None, reason])


it = item("DSC", "DE", dsc("malformed"), *UP["DE"])
it["kid"] = 42
bad_dsc("MALFORMED", it)
it = item("UPLOAD", "DE", dsc("wrongtype"), *UP["DE"])
bad_dsc("WRONG_TYPE", it)
it = item("DSC", "DE", dsc("badcert"), *UP["DE"])
it["rawData"] = base64.b64encode(b"not a certificate").decode()
bad_dsc("BAD_CERTIFICATE", it)
it = item("DSC", "DE", dsc("thumbprint"), *UP["DE"])
it["thumbprint"] = hashlib.sha256(b"x").hexdigest()
bad_dsc("THUMBPRINT_MISMATCH", it)
it = item("DSC", "DE", dsc("kid"), *UP["DE"])
it["kid"] = "AAAAAAAAAAA="
bad_dsc("KID_MISMATCH", it)
bad_dsc("DUPLICATE", json.loads(json.dumps(good["DSC"][0])))
it = item("DSC", "DE", dsc("nosig"), None, None)
bad_dsc("NO_SIGNATURE", it)
it = item("DSC", "DE", dsc("badcms"), *UP["DE"])
it["signature"] = base64.b64encode(b"\x30\x03\x02\x01\x01").decode()
bad_dsc("BAD_CMS", it)
other = item("DSC", "DE", dsc("other"), *UP["DE"])
it = item("DSC", "DE", dsc("sigwrong"), *UP["DE"])
it["signature"] = other["signature"]
bad_dsc("SIGNATURE_INVALID", it)
rk = new_key("rogue-upload")
cert(name("DE", "rogue upload"), None, rk, rk.public_key(), save="rogue-upload")
it = item("DSC", "DE", dsc("rogue"), os.path.join(EXTRA, "rogue-upload.pem"),
          os.path.join(EXTRA, "rogue-upload.key"))
bad_dsc("SIGNER_NOT_UPLOAD", it)
it = item("DSC", "DE", dsc("fr-signed"), *UP["FR"])
bad_dsc("SIGNER_OTHER_COUNTRY", it)
it = item("DSC", "DE", dsc("no-c", cc=None, issuer="FR"), *UP["DE"])
bad_dsc("ISSUER_OTHER_COUNTRY", it)
it = item("DSC", "DE", dsc("future", nb=1, na=30), *UP["DE"])
bad_dsc("NOT_YET_VALID", it)
# a CSCA of IE signed by a trust anchor nobody configured, and its DSC
rta = new_key("rogue-ta")
cert(name("EU", "rogue ta"), None, rta, rta.public_key(), ca=True, save="rogue-ta")
iek = new_key("csca-ie")
ie = cert(name("IE", "IE csca"), None, iek, iek.public_key(), ca=True, save="csca-ie")
bad_dsc("NOT_TRUST_ANCHOR", item("CSCA", "IE", ie, os.path.join(EXTRA, "rogue-ta.pem"),
                                 os.path.join(EXTRA, "rogue-ta.key")), "CSCA")
iec = x509.load_der_x509_certificate(ie)
dk = new_key("dsc-ie")
die = cert(name("IE", "IE dsc"), iec, iek, dk.public_key(), save="dsc-ie")
# an UPLOAD of IE that is fine, so that the DSC's first failure is its CSCA
iuk = new_key("upload-ie")
cert(name("IE", "IE upload"), None, iuk, iuk.public_key(), save="upload-ie")
IEUP = (os.path.join(EXTRA, "upload-ie.pem"), os.path.join(EXTRA, "upload-ie.key"))
bad["UPLOAD"].append(item("UPLOAD", "IE", pem_der(IEUP[0]), *TA))
bad_dsc("NO_CSCA", item("DSC", "IE", die, *IEUP))

for t in ("CSCA", "UPLOAD", "DSC"):
    json.dump(good[t], open(os.path.join(OUT, "good-%s.json" % t), "w"))
    json.dump(bad[t], open(os.path.join(OUT, "bad-%s.json" % t), "w"))
    v2 = [{"uuid": str(uuid.uuid4()), "domain": "DCC", "version": 1, "certificate": i["rawData"],
           "signature": i["signature"], "kid": i["kid"], "group": i["certificateType"],
           "country": i["country"], "properties": None} for i in good[t]]
    json.dump(v2, open(os.path.join(OUT, "v2-%s.json" % t), "w"))
json.dump(expected, open(os.path.join(OUT, "expected.json"), "w"))
