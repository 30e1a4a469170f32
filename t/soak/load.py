#!/usr/bin/env python3
"""load.py: the soak test's load driver (t/soak/run).

    load.py CONFIG.json

Runs SECONDS of mixed load against the gateway: THREADS client threads, each
with one keep-alive mTLS connection, each request drawn at random (weighted)
from the kinds below. Every kind has the set of statuses it expects; any other
status, or no answer at all, is an error. Writers keep the data bounded: each
thread owns a share of the DSC bodies (upload 201, sometimes again 409, delete
204, sometimes again 204, upload again ...), one rule id (versions 1.0.0 ...
1.0.N, 201 each, then delete 204 and start over) and at most two live
revocation batches (upload 201, download 200, delete 204, download 410).

Every second the counters are written to STATS (JSON, replaced atomically);
the first unexpected answers are appended to ERRORS. Exit status 0 when the
run finished, whatever the errors (the caller judges them).
"""
import base64
import datetime
import email.utils
import http.client
import json
import os
import random
import socket
import ssl
import subprocess
import sys
import threading
import time

CFG = json.load(open(sys.argv[1], encoding="utf-8"))
HOST, PORT = "127.0.0.1", int(CFG["port"])
LOCK = threading.Lock()
COUNTS = {}     # kind -> [requests, errors]
RETRIES = [0]   # stale keep-alive connections re-opened
ERRLOG_MAX = 50
errlog_n = [0]

# kind -> weight (how often a thread picks it)
WEIGHTS = {
    "countrylist": 10, "tl_full": 6, "tl_etag": 10, "tl_type": 6, "tl_country": 10,
    "tl_ims": 5, "tl_page": 4, "issuers": 3, "valuesets": 4, "valueset": 4,
    "rules_get": 6, "dsc": 3, "rule": 6, "revocation": 5, "migration": 1, "bad": 3,
}


def count(kind, ok, detail=None):
    with LOCK:
        c = COUNTS.setdefault(kind, [0, 0])
        c[0] += 1
        if not ok:
            c[1] += 1
            if errlog_n[0] < ERRLOG_MAX:
                errlog_n[0] += 1
                with open(CFG["errors"], "a", encoding="utf-8") as f:
                    f.write("%s %s\n" % (kind, detail))


def sign(text):
    """Base64 of an attached CMS over text, signed by the demo upload certificate."""
    der = subprocess.run(["openssl", "cms", "-sign", "-nodetach", "-binary",
                          "-signer", CFG["upload_cert"], "-inkey", CFG["upload_key"],
                          "-outform", "DER"], input=text.encode(), capture_output=True,
                         check=True).stdout
    return base64.b64encode(der)


class Client:
    def __init__(self, ctx):
        self.ctx = ctx
        self.conn = None
        self.used = 0

    def request(self, kind, method, path, want, headers=None, body=None):
        """One request; returns (status, headers, body) or None; counts it."""
        hdrs = dict(headers or {})
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPSConnection(HOST, PORT, context=self.ctx, timeout=60)
                self.used = 0
            reused = self.used > 0
            try:
                self.conn.request(method, path, body=body, headers=hdrs)
                r = self.conn.getresponse()
                data = r.read()
                self.used += 1
                if r.will_close:
                    self.conn.close()
                    self.conn = None
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.BadStatusLine) as e:
                self.conn.close()
                self.conn = None
                if reused and attempt == 0:
                    # nginx closed an idle keep-alive connection: once more on a new one
                    with LOCK:
                        RETRIES[0] += 1
                    continue
                count(kind, False, "%s %s: %r" % (method, path, e))
                return None
            except (OSError, http.client.HTTPException) as e:
                self.conn.close()
                self.conn = None
                count(kind, False, "%s %s: %r" % (method, path, e))
                return None
        ok = r.status in want
        count(kind, ok, "%s %s: %d, wanted %s: %s" % (method, path, r.status, sorted(want),
                                                     data[:300].decode("utf-8", "replace")))
        return r.status, r, data


def ims(seconds_ago, rfc1123):
    t = time.time() - seconds_ago
    if rfc1123:
        return email.utils.formatdate(t, usegmt=True)
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def worker(idx, deadline):
    rnd = random.Random(CFG["seed"] * 1000 + idx)
    ctx = ssl.create_default_context(cafile=CFG["cacert"])
    ctx.load_cert_chain(CFG["cert"], CFG["key"])
    cl = Client(ctx)
    kinds = list(WEIGHTS)
    weights = [WEIGHTS[k] for k in kinds]
    # this thread's DSC bodies: index -> uploaded?
    mine = [i for i in range(CFG["dscs"]) if i % CFG["threads"] == idx]
    bodies = {i: open(os.path.join(CFG["dir"], "dsc", "%d.b64" % i), "rb").read() for i in mine}
    live = {i: False for i in mine}
    rdir = os.path.join(CFG["dir"], "rules", str(idx))
    rule_next = 0
    batch_body = open(os.path.join(CFG["dir"], "batches", "%d.b64" % idx), "rb").read()
    batches = []
    etag = None
    cms = {"Content-Type": "application/cms"}
    cmstext = {"Content-Type": "application/cms-text"}
    while time.time() < deadline:
        kind = rnd.choices(kinds, weights)[0]
        if kind == "countrylist":
            cl.request(kind, "GET", "/countrylist", {200})
        elif kind == "tl_full":
            r = cl.request(kind, "GET", "/trustList", {200},
                           {"Accept-Encoding": "gzip"} if rnd.random() < 0.5 else None)
            if r and r[0] == 200:
                etag = r[1].getheader("ETag")
        elif kind == "tl_etag":
            if etag is None:
                r = cl.request(kind, "GET", "/trustList", {200})
            else:
                r = cl.request(kind, "GET", "/trustList", {200, 304}, {"If-None-Match": etag})
            if r and r[0] == 200:
                etag = r[1].getheader("ETag")
        elif kind == "tl_type":
            t = rnd.choice(["DSC", "CSCA", "UPLOAD", "AUTHENTICATION", "dsc"])
            cl.request(kind, "GET", "/trustList/" + t, {200})
        elif kind == "tl_country":
            t = rnd.choice(["DSC", "CSCA", "UPLOAD"])
            cl.request(kind, "GET", "/trustList/%s/%s" % (t, rnd.choice(CFG["countries"])), {200})
        elif kind == "tl_ims":
            path = rnd.choice(["/trustList", "/trustList/DSC", "/trustList/DSC/DE"])
            cl.request(kind, "GET", path, {200},
                       {"If-Modified-Since": ims(rnd.randint(1, 900), rnd.random() < 0.5)})
        elif kind == "tl_page":
            cl.request(kind, "GET", "/trustList/DSC?page=%d&pagesize=%d" %
                       (rnd.randint(0, 3), rnd.choice([10, 50, 100])), {200})
        elif kind == "issuers":
            cl.request(kind, "GET", rnd.choice(["/trustList/issuers",
                                                "/trustList/issuers?country=DE,FR"]), {200})
        elif kind == "valuesets":
            cl.request(kind, "GET", "/valuesets", {200})
        elif kind == "valueset":
            cl.request(kind, "GET", "/valuesets/" + rnd.choice(CFG["valuesets"]), {200})
        elif kind == "rules_get":
            cl.request(kind, "GET", "/rules/" + rnd.choice(["DE", "de", "FR"]), {200})
        elif kind == "migration":
            cl.request(kind, "GET", "/cms-migration", {200})
        elif kind == "bad":
            b = rnd.randrange(4)
            if b == 0:
                cl.request(kind, "GET", "/no/such/path", {404})
            elif b == 1:
                cl.request(kind, "PUT", "/countrylist", {405})
            elif b == 2:
                cl.request(kind, "POST", "/signerCertificate", {400}, cms, b"bm90IGEgQ01T")
            else:
                cl.request(kind, "GET", "/trustList/NOPE", {400})
        elif kind == "dsc":
            i = rnd.choice(mine)
            if not live[i]:
                r = cl.request("dsc_upload", "POST", "/signerCertificate", {201}, cms, bodies[i])
                live[i] = r is not None and r[0] == 201
                if live[i] and rnd.random() < 0.2:
                    cl.request("dsc_dup", "POST", "/signerCertificate", {409}, cms, bodies[i])
            else:
                r = cl.request("dsc_delete", "DELETE", "/signerCertificate", {204}, cms, bodies[i])
                live[i] = not (r is not None and r[0] == 204)
                if not live[i] and rnd.random() < 0.2:
                    # a tombstone: deleted again, 204 (as the reference)
                    cl.request("dsc_delete_again", "POST", "/signerCertificate/delete", {204},
                               cms, bodies[i])
        elif kind == "rule":
            if rule_next < CFG["rule_versions"]:
                body = open(os.path.join(rdir, "%d.b64" % rule_next), "rb").read()
                r = cl.request("rule_upload", "POST", "/rules", {201}, cmstext, body)
                # after a failure (an error already), start over after a delete
                rule_next = rule_next + 1 if r is not None and r[0] == 201 else CFG["rule_versions"]
            else:
                body = open(os.path.join(rdir, "delete.b64"), "rb").read()
                r = cl.request("rule_delete", "DELETE", "/rules", {204}, cmstext, body)
                rule_next = 0
                if r is not None and rnd.random() < 0.3:
                    cl.request("rule_delete_gone", "POST", "/rules/delete", {404}, cmstext, body)
        elif kind == "revocation":
            if len(batches) < 2:
                r = cl.request("rev_upload", "POST", "/revocation-list", {201}, cmstext, batch_body)
                if r is not None and r[0] == 201:
                    batches.append(r[1].getheader("ETag"))
            elif rnd.random() < 0.5:
                cl.request("rev_get", "GET", "/revocation-list/" + rnd.choice(batches), {200},
                           {"Accept": "application/cms-text"})
                cl.request("rev_list", "GET", "/revocation-list", {200, 204},
                           {"If-Modified-Since": ims(rnd.randint(1, 60), False)})
            else:
                b = batches.pop(0)
                body = sign(json.dumps({"batchId": b}))
                cl.request("rev_delete", "DELETE", "/revocation-list", {204}, cmstext, body)
                cl.request("rev_get_gone", "GET", "/revocation-list/" + b, {410},
                           {"Accept": "application/cms-text"})
    if cl.conn is not None:
        cl.conn.close()


def write_stats(t0, done):
    with LOCK:
        s = {"elapsed": time.time() - t0, "done": done, "retries": RETRIES[0],
             "total": sum(c[0] for c in COUNTS.values()),
             "errors": sum(c[1] for c in COUNTS.values()),
             "kinds": {k: list(v) for k, v in sorted(COUNTS.items())}}
    tmp = CFG["stats"] + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(s, f)
    os.replace(tmp, CFG["stats"])


def main():
    t0 = time.time()
    deadline = t0 + CFG["seconds"]
    ths = [threading.Thread(target=worker, args=(i, deadline), daemon=True)
           for i in range(CFG["threads"])]
    for t in ths:
        t.start()
    while any(t.is_alive() for t in ths):
        write_stats(t0, False)
        for t in ths:
            t.join(timeout=1.0 / len(ths))
    write_stats(t0, True)


if __name__ == "__main__":
    socket.setdefaulttimeout(60)
    main()
