#!/usr/bin/env python3
"""hostile_client.py: raw and slow HTTPS clients with a client certificate,
for t/it/hostile.sh (things curl will not send).

  hostile_client.py raw HOST PORT CACERT CERTPREFIX FILE BODY HEADERS
      sends FILE's bytes as they are on one TLS connection (CERTPREFIX.pem|key,
      or - for no client certificate), reads until the server closes (15 s at
      most), prints the status code (000 without a status line) and writes
      the response body (de-chunked) to BODY, its header block to HEADERS.
  hostile_client.py slowheaders HOST PORT CACERT CERTPREFIX PATH SECONDS
      sends a request's headers one byte per second, for at most SECONDS;
      prints "dropped N" (N seconds after the start) when the server closed
      the connection first, "open N" otherwise.
  hostile_client.py slowbody HOST PORT CACERT CERTPREFIX PATH SECONDS
      sends complete headers declaring a 4096-byte body, then nothing; prints
      "dropped N" when the server closed the connection, "open N" when it
      still held it after SECONDS.
  hostile_client.py serve HOST PORT CACERT
      a coprocess (one Python start for the whole test): reads commands, one
      a line, fields separated by tabs, and answers each with one line:
        verdict BODY HEADERS    the answer in one word: the problem code of
                                a problem report ('' for an empty code), -
                                for JSON that is no problem report, (empty),
                                or what is wrong: (not json), (bad problem
                                shape), (content type X)
        raw CERTPREFIX FILE BODY HEADERS    as the raw command; the status
"""
import json
import socket
import ssl
import sys
import time


def connect(host, port, cacert, prefix):
    ctx = ssl.create_default_context(cafile=cacert)
    ctx.check_hostname = False
    if prefix != "-":
        ctx.load_cert_chain(prefix + ".pem", prefix + ".key")
    raw = socket.create_connection((host, int(port)), timeout=15)
    return ctx.wrap_socket(raw, server_hostname=host)


def read_all(s, limit):
    data = b""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        s.settimeout(max(0.1, end - time.monotonic()))
        try:
            chunk = s.recv(65536)
        except (socket.timeout, TimeoutError):
            break
        except (ssl.SSLError, OSError):
            break
        if not chunk:
            break
        data += chunk
    return data


def raw(host, port, cacert, prefix, path, body_out, headers_out, quiet=False):
    with open(path, "rb") as f:
        req = f.read()
    s = connect(host, port, cacert, prefix)
    s.sendall(req)
    data = read_all(s, 15)
    s.close()
    if data.startswith(b"HTTP/"):
        head, _, body = data.partition(b"\r\n\r\n")
        line = head.split(b"\r\n", 1)[0].split()
        status = line[1].decode() if len(line) > 1 else "000"
    else:
        head, body, status = b"", data, "000"
    if b"transfer-encoding: chunked" in head.lower():
        out, rest = b"", body
        while rest:
            size, _, rest = rest.partition(b"\r\n")
            n = int(size.split(b";")[0] or b"0", 16)
            if n == 0:
                break
            out, rest = out + rest[:n], rest[n + 2:]
        body = out
    with open(body_out, "wb") as f:
        f.write(body)
    with open(headers_out, "wb") as f:
        f.write(head + b"\r\n")
    if quiet:
        return status
    print(status)
    return status


def verdict(body_path, headers_path):
    body = open(body_path, "rb").read()
    ct = ""
    for line in open(headers_path, "rb").read().decode("latin-1").split("\r\n"):
        if line.lower().startswith("content-type:"):
            ct = line.split(":", 1)[1].strip()
    if not body:
        return "(empty)"
    try:
        d = json.loads(body.decode("utf-8"))
    except ValueError:
        return "(not json)"
    if not isinstance(d, dict) or "code" not in d:
        return "-"
    if list(d) != ["code", "problem", "sendValue", "details"] or \
            not all(isinstance(v, str) for v in d.values()):
        return "(bad problem shape)"
    if ct.split(";")[0].strip().lower() != "application/json":
        return "(content type %s)" % ct
    return d["code"] if d["code"] else "''"


def serve(host, port, cacert):
    for line in sys.stdin:
        a = line.rstrip("\n").split("\t")
        try:
            if a[0] == "verdict" and len(a) == 3:
                out = verdict(a[1], a[2])
            elif a[0] == "raw" and len(a) == 5:
                out = raw(host, port, cacert, *a[1:], quiet=True)
            else:
                out = "(bad command)"
        except Exception as e:  # the test reads one line per command
            out = "(error %s)" % type(e).__name__
        sys.stdout.write(out + "\n")
        sys.stdout.flush()


def closed(s):
    """1 when the server has closed (or reset) the connection."""
    s.settimeout(0.05)
    try:
        return s.recv(65536) == b""
    except (socket.timeout, TimeoutError, ssl.SSLWantReadError):
        return False
    except (ssl.SSLError, OSError):
        return True


def slow(host, port, cacert, prefix, path, seconds, mode):
    s = connect(host, port, cacert, prefix)
    start = time.monotonic()
    if mode == "headers":
        req = ("GET %s HTTP/1.1\r\nHost: localhost\r\nUser-Agent: slowloris\r\n"
               "X-Padding: %s\r\n\r\n" % (path, "x" * 64)).encode()
    else:
        req = ("POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/cms\r\n"
               "Content-Length: 4096\r\n\r\n" % path).encode()
        s.sendall(req + b"MIIB")
    i = 0
    while time.monotonic() - start < seconds:
        if mode == "headers" and i < len(req):
            try:
                s.sendall(req[i:i + 1])
            except (ssl.SSLError, OSError):
                break
            i += 1
        t = time.monotonic() + 1
        gone = False
        while time.monotonic() < t:
            if closed(s):
                gone = True
                break
        if gone:
            break
    else:
        print("open %d" % (time.monotonic() - start))
        return
    print("dropped %d" % (time.monotonic() - start))


def main(a):
    if len(a) == 8 and a[0] == "raw":
        raw(*a[1:])
    elif len(a) == 4 and a[0] == "serve":
        serve(*a[1:])
    elif len(a) == 7 and a[0] in ("slowheaders", "slowbody"):
        slow(*a[1:6], float(a[6]), a[0][4:])
    else:
        sys.stderr.write(__doc__)
        sys.exit(64)


if __name__ == "__main__":
    main(sys.argv[1:])
