#!/usr/bin/env python3
"""fake_gateway.py: a tiny HTTPS server with mutual TLS on loopback that
serves crafted trust lists to dgcg-sync (t/it/sync_fake.sh).

  fake_gateway.py --root DIR --cert server.pem --key server.key
                  --client-ca ca.pem --port-file FILE --log FILE

It binds 127.0.0.1 on a free port, writes the port to --port-file (the
ready signal) and serves until SIGTERM:
  GET /trustList/T, GET /trustList/T/CC     DIR/T.json (CC filters by country)
  GET /trustList/certificate?group=T        DIR/v2-T.json
  POST|DELETE /signerCertificate            status DIR/signer.METHOD (default
                                            201 / 204), a problem report body
Per list, files beside DIR/T.json change the answer:
  T.status   that HTTP status instead, with a problem report
  T.mode     "truncate": a Content-Length larger than the body, then close;
             "close": close the connection without an answer
Full lists carry ETag: "<sha256 of the body>"; If-None-Match with it
answers 304. Every request is logged as one line:
  METHOD PATH STATUS BYTES inm=... ims=...
The client must present a certificate issued by --client-ca.
"""
import argparse
import hashlib
import http.server
import json
import os
import ssl
import sys
import urllib.parse


def main():
    ap = argparse.ArgumentParser()
    for a in ("--root", "--cert", "--key", "--client-ca", "--port-file", "--log"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    log = open(args.log, "a", buffering=1)

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def _note(self, status, n):
            log.write("%s %s %d %d inm=%s ims=%s\n" % (
                self.command, self.path, status, n,
                self.headers.get("If-None-Match", "-"),
                self.headers.get("If-Modified-Since", "-")))

        def _send(self, status, body, etag=None):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            if etag:
                self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self._note(status, len(body))

        def _problem(self, status):
            body = json.dumps({"code": "0x%03x" % (status % 0x1000), "problem": "fake",
                               "sendValue": None, "details": "fake gateway %d" % status})
            self._send(status, body.encode())

        def _file(self, name):
            p = os.path.join(args.root, name)
            try:
                with open(p, "rb") as f:
                    return f.read()
            except OSError:
                return None

        def do_GET(self):
            u = urllib.parse.urlsplit(self.path)
            parts = u.path.strip("/").split("/")
            cc = None
            if parts[:2] == ["trustList", "certificate"]:
                q = urllib.parse.parse_qs(u.query)
                t = q.get("group", [""])[0]
                name = "v2-" + t
            elif len(parts) in (2, 3) and parts[0] == "trustList":
                t = parts[1]
                name = t
                cc = parts[2] if len(parts) == 3 else None
            else:
                return self._problem(404)
            st = self._file(name + ".status")
            if st:
                return self._problem(int(st))
            mode = (self._file(name + ".mode") or b"").strip()
            if mode == b"close":
                self._note(0, 0)
                self.close_connection = True
                return
            body = self._file(name + ".json")
            if body is None:
                return self._problem(404)
            if cc:
                body = json.dumps([i for i in json.loads(body) if i.get("country") == cc]).encode()
            if mode == b"truncate":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body) + 1000))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self._note(200, len(body) // 2)
                self.close_connection = True
                return
            etag = '"%s"' % hashlib.sha256(body).hexdigest()
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self._note(304, 0)
                return
            self._send(200, body, etag)

        def _signed(self):
            n = int(self.headers.get("Content-Length", "0"))
            self.rfile.read(n)
            if self.path != "/signerCertificate":
                return self._problem(404)
            st = self._file("signer." + self.command)
            status = int(st) if st else (201 if self.command == "POST" else 204)
            if status in (201, 204):
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self._note(status, 0)
            else:
                self._problem(status)

        do_POST = _signed
        do_DELETE = _signed

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.load_verify_locations(args.client_ca)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    import signal
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    sys.exit(main())
