#!/usr/bin/env python3
"""paging_client.py: revocation-list load and paging for t/it/revocation_paging.sh.

    paging_client.py upload URL CACERT CERT KEY BODY N THREADS OUT
        POSTs the CMS text in BODY to /revocation-list N times from THREADS
        threads (one keep-alive mTLS connection each), as fast as they go.
        Writes every new batch id (the ETag of a 201) to OUT, one a line.
        Exit status 1 when any answer is not 201.

    paging_client.py page URL CACERT CERT KEY SINCE OUT [STOP]
        Pages GET /revocation-list the documented way: If-Modified-Since is
        SINCE, then the last batch's date while the answer is 200 (dgc-lib
        goes on while it gets 200; "more" true is the protocol's hint to).
        Appends one line per batch to OUT: "page date batchId", and one line
        per page to OUT.pages: "page status count more firstdate lastdate".
        Without STOP it returns at the first 204. With STOP (a file) it
        pages on (a pause of 0.05 s after each 204) until that file exists,
        and then until the first 204 two seconds later.
"""
import http.client
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse


def connect(url, cacert, cert, key):
    u = urllib.parse.urlsplit(url)
    ctx = ssl.create_default_context(cafile=cacert)
    ctx.check_hostname = False
    ctx.load_cert_chain(cert, key)
    return lambda: http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=60)


def request(state, method, path, body=None, headers=None):
    """One request on the thread's connection; reconnects once."""
    for attempt in (0, 1):
        if state.get("c") is None:
            state["c"] = state["new"]()
        try:
            state["c"].request(method, path, body=body, headers=headers or {})
            r = state["c"].getresponse()
            data = r.read()
            if r.getheader("Connection", "").lower() == "close":
                state["c"].close()
                state["c"] = None
            return r.status, r.getheader("ETag"), data
        except (http.client.HTTPException, OSError):
            state["c"].close()
            state["c"] = None
            if attempt:
                raise
    raise AssertionError("unreachable")


def upload(url, cacert, cert, key, body_file, n, threads, out):
    body = open(body_file, "rb").read()
    new = connect(url, cacert, cert, key)
    lock = threading.Lock()
    left = [int(n)]
    ids, bad = [], []

    def run():
        st = {"new": new}
        while True:
            with lock:
                if left[0] == 0:
                    return
                left[0] -= 1
            s, etag, _ = request(st, "POST", "/revocation-list", body,
                                 {"Content-Type": "application/cms-text"})
            with lock:
                (ids if s == 201 else bad).append(etag if s == 201 else s)

    ts = [threading.Thread(target=run) for _ in range(int(threads))]
    t0 = time.time()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    with open(out, "w", encoding="ascii") as f:
        for i in ids:
            f.write(i + "\n")
    print("uploaded %d in %.1f s, %d failed %s" % (len(ids), time.time() - t0, len(bad),
                                                    bad[:5]))
    return 1 if bad else 0


def page(url, cacert, cert, key, since, out, stop=None):
    st = {"new": connect(url, cacert, cert, key)}
    ims, p, t_stop = since, 0, None
    with open(out, "a", encoding="ascii") as f, open(out + ".pages", "a", encoding="ascii") as g:
        while True:
            s, _, data = request(st, "GET", "/revocation-list", None,
                                 {"If-Modified-Since": ims})
            p += 1
            if s == 204:
                g.write("%d 204 0 - - -\n" % p)
                if stop is None:
                    return 0
                if t_stop is None and os.path.exists(stop):
                    t_stop = time.time()
                # the writers' last second must be over (it is listed
                # with the second before until then)
                if t_stop is not None and time.time() > t_stop + 2.0:
                    return 0
                time.sleep(0.05)
                continue
            if s != 200:
                g.write("%d %d 0 - - -\n" % (p, s))
                return 1
            d = json.loads(data)
            b = d["batches"]
            for x in b:
                f.write("%d %s %s\n" % (p, x["date"], x["batchId"]))
            g.write("%d 200 %d %s %s %s\n" % (p, len(b), str(d["more"]).lower(),
                                               b[0]["date"], b[-1]["date"]))
            ims = b[-1]["date"]


def main(argv):
    if len(argv) >= 10 and argv[1] == "upload":
        return upload(*argv[2:10])
    if len(argv) in (8, 9) and argv[1] == "page":
        return page(*argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
