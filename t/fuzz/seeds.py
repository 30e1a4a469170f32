#!/usr/bin/env python3
"""seeds.py: seed inputs for the fuzz targets of t/fuzz/, made from the
shared public test data (never committed here).

    seeds.py TESTDATA OUTDIR MAX

writes at most MAX files per target into OUTDIR/<target>/ (cms, dn, thumb,
ims, rule, batch, request, v2), picked evenly from the sorted candidates, so
the same data gives the same seeds, and libFuzzer dictionaries
OUTDIR/<target>.dict for some. Input formats: the comment at the top
of each t/fuzz/fuzz_<target>.c.
"""
import base64
import hashlib
import json
import os
import struct
import sys
import time
import urllib.parse
import uuid


def pick(items, n):
    items = sorted(items, key=lambda x: x[0])
    if len(items) <= n:
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def pem_der(path):
    with open(path, encoding="ascii") as f:
        text = f.read()
    body = text.split("-----BEGIN CERTIFICATE-----", 1)[1].split("-----END", 1)[0]
    return base64.b64decode("".join(body.split()))


def trustlist(td):
    with open(os.path.join(td, "trustlist", "trustlist_de_2021-07-06.json"),
              encoding="utf-8") as f:
        return json.load(f)["certificates"]


def cms_seeds(td):
    out = []
    for e in trustlist(td):
        sig = e.get("signature") or ""
        raw = base64.b64decode(e["rawData"])
        try:
            der = base64.b64decode(sig)
        except ValueError:
            continue
        k = e["thumbprint"][:16]
        # base64 text as the upload body; the DSC given as detached content
        # so that detached signatures parse too
        out.append((k + "-b64", bytes([0x08]) + struct.pack(">H", len(raw)) + raw +
                    sig.encode()))
        # DER/BER, which mutates better than its base64
        out.append((k + "-der", bytes([0x0c]) + struct.pack(">H", len(raw)) + raw + der))
    for sub in ("dsc", "csca", "upload", "negative"):
        for root, _, files in os.walk(os.path.join(td, sub)):
            for fn in files:
                if fn.endswith(".pem"):
                    out.append(("cert-" + fn, bytes([0x03]) + pem_der(os.path.join(root, fn))))
    return out


def index_entries(td):
    ents = []
    for sub in ("dsc", "csca", "upload"):
        p = os.path.join(td, sub, "index.json")
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                d = json.load(f)
            ents += d["entries"] if isinstance(d, dict) else d
    return ents


def dn_seeds(td):
    out = []
    for e in index_entries(td):
        for key in ("subject", "issuer"):
            dn = e.get(key)
            if not dn:
                continue
            h = hashlib.sha256(dn.encode()).hexdigest()[:12]
            out.append(("plain-" + h, dn.encode()))
            # as a load balancer may send it: URL-encoded
            out.append(("url-" + h, urllib.parse.quote(dn, safe="").encode()))
            out.append(("form-" + h, urllib.parse.quote_plus(dn).encode()))
    return out


def thumb_seeds(td):
    out = []
    for e in trustlist(td):
        t = e["thumbprint"]
        raw = bytes.fromhex(t)
        b64 = base64.b64encode(raw).decode()
        out.append(("hex-" + t[:12], t.encode()))
        out.append(("HEX-" + t[:12], t.upper().encode()))
        out.append(("b64-" + t[:12], b64.encode()))
        out.append(("url-" + t[:12], urllib.parse.quote(b64, safe="").encode()))
    return out


def ims_seeds(td):
    out = []
    for e in trustlist(td):
        ts = e.get("timestamp")
        if ts:
            out.append(("iso-" + ts, ts.encode()))
    fixed = [
        "2021-07-06T12:00:00Z", "2021-07-06t12:00Z", "2021-07-06T12:00:00.123456789+02:00",
        "2021-07-06T12:00:00,5-05:30", "2021-07-06T12:00:00+01:00:30",
        "Tue, 06 Jul 2021 12:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT",
        "9999-12-31T23:59:59-18:00", "0001-01-01T00:00:00+18:00", "2024-02-29T23:59:59Z",
        "Sun, 6 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994", "Wed Nov 16 08:49:37 1994", "Sat, 31 Dec 2016 23:59:60 GMT",
    ]
    out += [("fixed-%02d" % i, s.encode()) for i, s in enumerate(fixed)]
    return out


def rule_files(td):
    out = []
    base = os.path.join(td, "rules")
    for root, _, files in os.walk(base):
        for fn in files:
            if fn.endswith(".json") and fn != "index.json":
                p = os.path.join(root, fn)
                with open(p, "rb") as f:
                    out.append((os.path.relpath(p, base).replace("/", "_"), f.read()))
    return out


def batch_docs(td):
    kids = [e["kid"] for e in trustlist(td)][:64]
    docs = []
    for i, kid in enumerate(kids):
        ht = ("SIGNATURE", "UCI", "COUNTRYCODEUCI")[i % 3]
        n = 1 + i % 5
        entries = [{"hash": base64.b64encode(hashlib.sha256(b"%d-%d" % (i, j)).digest()[:16])
                    .decode()} for j in range(n)]
        doc = {"country": "DE", "expires": "2030-01-%02dT00:00:00Z" % (1 + i % 28),
               "kid": kid if i % 4 else None, "hashType": ht, "entries": entries}
        docs.append(("batch-%02d" % i, json.dumps(doc).encode()))
    docs.append(("delete", json.dumps({"batchId": str(uuid.UUID(int=1234567))}).encode()))
    docs.append(("delete-upper", b'{"batchId":"0000000A-0000-4000-8000-000000000000"}'))
    return docs


def v2_docs(td):
    """POST /trustedCertificate bodies and trusted-reference JSON."""
    docs = []
    for i, e in enumerate(trustlist(td)[:6]):
        body = {"cms": e.get("signature") or "", "properties": {}}
        if i % 2:
            body.update({"kid": e["kid"], "group": ["DSC", "SIGN", "DESC"][i % 3],
                         "domain": "DCC", "properties": {"purpose": "test", "scope": "x"}})
        docs.append(("cert-%02d" % i, json.dumps(body).encode()))
    docs.append(("cert-noprops", b'{"cms":"MIIB","group":"CUSTOM"}'))
    docs.append(("cert-props-nul", b'{"cms":"x","properties":{"a\\u0000":"b"}}'))
    ref = {"url": "https://de.example/fhir", "country": "DE", "type": "FHIR",
           "service": "ValueSet", "thumbprint": "ab" * 32, "name": "RKI",
           "sslPublicKey": "MFkwEwYHKoZIzj0CAQ", "contentType": "application/fhir+json",
           "signatureType": "CMS", "referenceVersion": "1.0"}
    docs.append(("ref", json.dumps(ref).encode()))
    upd = dict(ref, uuid=str(uuid.UUID(int=99)), domain="DCC", version=2)
    docs.append(("ref-update", json.dumps(upd).encode()))
    docs.append(("ref-delete", json.dumps({"uuid": str(uuid.UUID(int=99))}).encode()))
    docs.append(("ref-long-url", json.dumps(dict(ref, url="x" * 101)).encode()))
    return docs


def request(opts, method, path, query="", ctype="", accept="", clen="", thumb="", dn="",
            ims="", inm="", script="", body=b""):
    head = "\n".join([opts, method, path, query, ctype, accept, clen, thumb, dn, ims, inm,
                      script]) + "\n"
    return head.encode() + body


def request_seeds(td):
    out = []
    rules = [r for r in sorted(rule_files(td)) if r[0].startswith("DE_")][:8]
    batches = batch_docs(td)[:4]
    dscs = []
    for root, _, files in os.walk(os.path.join(td, "dsc", "DE")):
        for fn in sorted(files)[:4]:
            dscs.append(pem_der(os.path.join(root, fn)))
    cms, cmst, js = "application/cms", "application/cms-text", "application/json"
    gets = ["/countrylist", "/trustList", "/trustList/DSC", "/trustList/DSC/DE",
            "/trustList/CSCA/de", "/trustList/UPLOAD/DE", "/trustList/issuers",
            "/rules/DE", "/rules/xx", "/valuesets", "/valuesets/disease-agent-targeted",
            "/cms-migration"]
    for i, g in enumerate(gets):
        out.append(("get-%02d" % i, request("A", "GET", g)))
        out.append(("head-%02d" % i, request("A", "HEAD", g, script="e")))
    out.append(("tl-page", request("A", "GET", "/trustList/DSC/DE", "page=0&pagesize=10",
                                   ims="2021-07-06T12:00:00Z")))
    out.append(("tl-inm", request("AB", "GET", "/trustList/DSC", inm='"abc"')))
    out.append(("iss", request("A", "GET", "/trustList/issuers", "country=DE")))
    out.append(("rev-list", request("AR", "GET", "/revocation-list",
                                    ims="2021-07-06T12:00:00Z")))
    out.append(("rev-list-noroles", request("A", "GET", "/revocation-list")))
    out.append(("rev-get", request("AR", "GET", "/revocation-list/" + str(uuid.UUID(int=7)),
                                   accept="application/cms-text;q=0.5, application/cms")))
    for i, d in enumerate(dscs):
        out.append(("dsc-up-%d" % i, request("ADS", "POST", "/signerCertificate", ctype=cms,
                                             body=d)))
        out.append(("dsc-del-%d" % i, request("ADS", "DELETE", "/signerCertificate",
                                              ctype=cms, body=d)))
        out.append(("dsc-k-%d" % i, request("ADK", "POST", "/signerCertificate/delete",
                                            ctype=cms, body=d, script=".e")))
    for i, (_, r) in enumerate(rules):
        out.append(("rule-up-%d" % i, request("AS", "POST", "/rules", ctype=cmst, body=r)))
    # a DE rule that passes every check today (the seeds are made per run)
    now = time.time()
    for i, (_, r) in enumerate(rules[:2]):
        doc = json.loads(r)
        doc["ValidFrom"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 3 * 86400))
        doc["ValidTo"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 30 * 86400))
        out.append(("rule-fresh-%d" % i, request("AS", "POST", "/rules", ctype=cms,
                                                 body=json.dumps(doc).encode())))
    out.append(("rule-del", request("AS", "DELETE", "/rules", ctype=cmst,
                                    body=b"GR-DE-0001")))
    for i, (_, b) in enumerate(batches):
        out.append(("rev-up-%d" % i, request("ASR", "POST", "/revocation-list", ctype=cms,
                                             body=b)))
        out.append(("rev-dup-%d" % i, request("ASR", "POST", "/revocation-list", ctype=cms,
                                              body=b, script="....d")))
    out.append(("rev-del", request("ASR", "POST", "/revocation-list/delete", ctype=cmst,
                                   body=batch_docs(td)[-2][1])))
    # the v2 interface
    for q in ["", "group=DSC,CSCA", "group=SIGN&withFederation=true", "country=de&domain=DCC",
              "withFederation=maybe", "group=%zz"]:
        out.append(("v2-list-" + q[:12], request("A", "GET", "/trustList/certificate", q)))
    out.append(("v2-list-ims", request("A", "GET", "/trustList/certificate",
                                       ims="2021-07-06T12:00:00Z")))
    out.append(("v2-refs", request("A", "GET", "/trustList/references",
                                   "referenceType=FHIR&signatureType=CMS")))
    out.append(("v2-ref", request("A", "GET", "/trust/reference/" + str(uuid.UUID(int=5)))))
    for i, (_, d) in enumerate(v2_docs(td)):
        if d.startswith(b'{"cms"'):
            out.append(("v2-up-%d" % i, request("A", "POST", "/trustedCertificate", ctype=js,
                                                body=d)))
        else:
            out.append(("v2-ref-%d" % i, request("AS", "POST", "/trust/reference", ctype=cmst,
                                                 body=d)))
    for i, d in enumerate(dscs[:2]):
        out.append(("v2-del-%d" % i, request("ADS", "DELETE", "/trustedCertificate", ctype=cms,
                                             body=d)))
    out.append(("v2-ref-del", request("AS", "DELETE", "/trust/reference", ctype=cms,
                                      body=v2_docs(td)[-2][1])))
    out.append(("mig", request("A", "POST", "/cms-migration", ctype=js,
                               body=b'[{"entityId":1,"cms":"abc"}]')))
    # without authentication, and the ways headers go wrong
    out.append(("noauth", request("", "GET", "/countrylist")))
    out.append(("badthumb", request("", "GET", "/countrylist", thumb="zz", dn="C=DE")))
    out.append(("nocountry", request("", "GET", "/countrylist", thumb="a" * 64,
                                     dn="CN=x%2CO=y")))
    out.append(("baddn", request("", "POST", "/signerCertificate", ctype=cms,
                                 thumb="A" * 64, dn="C=DE%zz", body=b"x")))
    out.append(("notfound", request("A", "GET", "/no/such")))
    out.append(("method", request("A", "PUT", "/rules")))
    out.append(("ctype", request("A", "POST", "/rules", ctype="text/plain", body=b"x")))
    out.append(("toolarge", request("AS", "POST", "/rules", ctype=cms, clen="99999999")))
    out.append(("dbdown", request("A", "GET", "/trustList", script="l")))
    out.append(("dblost", request("A", "GET", "/countrylist", script=".l")))
    out.append(("health", request("H", "GET", "/health")))
    out.append(("healthdown", request("H", "GET", "/health", script="l")))
    return out


def dict_entry(tok):
    out = []
    for b in tok.encode():
        if b in (0x22, 0x5c) or b < 0x20 or b > 0x7e:
            out.append("\\x%02X" % b)
        else:
            out.append(chr(b))
    return '"' + "".join(out) + '"'


def schema_words(node, acc):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("properties", "$defs", "definitions") and isinstance(v, dict):
                acc.update(v.keys())
            if k in ("enum", "required") and isinstance(v, list):
                acc.update(x for x in v if isinstance(x, str))
            schema_words(v, acc)
    elif isinstance(node, list):
        for v in node:
            schema_words(v, acc)


def dictionaries(td):
    """libFuzzer dictionaries: the words the parsers look for."""
    words = set()
    p = os.path.join(td, "rules", "schema", "validation-rule.schema.json")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as f:
            schema_words(json.load(f), words)
    rule = sorted(words) + ["2021-07-06T12:00:00Z", "1.0.0", "\\u0000", "\\ud800", "1e308"]
    batch = ["country", "expires", "kid", "hashType", "entries", "hash", "batchId", "SIGNATURE",
             "UCI", "COUNTRYCODEUCI", "null", "2030-01-01T00:00:00Z", "UNKNOWN_KID",
             "AAAAAAAAAAAAAAAAAAAAAA=="]
    request = ["GET", "HEAD", "POST", "DELETE", "PUT", "/countrylist", "/signerCertificate",
               "/trustList", "/trustList/", "/issuers", "DSC", "CSCA", "UPLOAD", "AUTHENTICATION",
               "/rules", "/rules/delete", "/valuesets", "/revocation-list", "/delete",
               "/cms-migration", "application/cms", "application/cms-text", "application/json",
               "application/*", "*/*", ";q=0", ";q=0.5", "page=", "pagesize=", "country=",
               "If-Modified-Since", "C=DE", "%2C", "2021-07-06T12:00:00Z", "AS", "ASR", "ADS"]
    ims = ["Sun, ", "Mon, ", " GMT", "Nov", "Feb", "T", "Z", "+18:00", "-00:00", ".999999999",
           "Sunday, ", "Wednesday, ", "-Nov-", "-Feb-", "Sun Nov  ", ":60", " 1994"]
    dn = ["C=", "CN=", "O=", "%2C", "%3D", "+", "%", "%00", ","]
    v2 = ["cms", "kid", "group", "domain", "properties", "DSC", "SIGN", "AUTH", "CUSTOM", "DESC",
          "DCC", "IPS-PILGRIMAGE", "purpose", "displayName", "uuid", "sourceGateway", "url",
          "country", "type", "FHIR", "service", "thumbprint", "name", "sslPublicKey",
          "contentType", "signatureType", "CMS", "JWS", "NONE", "referenceVersion", "version",
          "null", "\\u0000", "00000000-0000-4000-8000-000000000000"]
    request += ["/trustList/certificate", "/trustList/references", "/trustedCertificate",
                "/trustedCertificate/delete", "/trust/reference", "/trust/reference/", "group=",
                "domain=", "withFederation=true", "referenceType=", "signatureType="]
    return {"rule": rule, "batch": batch, "request": request, "ims": ims, "dn": dn, "v2": v2}


def main():
    td, outdir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    gens = {"cms": cms_seeds, "dn": dn_seeds, "thumb": thumb_seeds, "ims": ims_seeds,
            "rule": rule_files, "batch": batch_docs, "request": request_seeds, "v2": v2_docs}
    for name, gen in gens.items():
        d = os.path.join(outdir, name)
        os.makedirs(d, exist_ok=True)
        for key, data in pick(gen(td), n):
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)[:80]
            with open(os.path.join(d, safe), "wb") as f:
                f.write(data)
    for name, words in dictionaries(td).items():
        with open(os.path.join(outdir, name + ".dict"), "w", encoding="ascii") as f:
            for w in words:
                f.write(dict_entry(w) + "\n")


if __name__ == "__main__":
    main()
