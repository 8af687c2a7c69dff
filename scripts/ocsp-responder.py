#!/usr/bin/env python3
"""An OCSP responder (RFC 6960) on 127.0.0.1 whose every answer is made by `openssl ocsp -index`.

Usage: scripts/ocsp-responder.py --index INDEX --ca CA.crt --rsigner SIGNER.crt --rkey SIGNER.key
                                 [--port P] [--port-file FILE] [--nmin MINUTES]

`openssl ocsp -port` listens on every interface and cannot be told a port of 0 on loopback alone,
so this front binds 127.0.0.1 (port 0 = chosen by the OS; the port is printed as
"ocsp-responder: listening on 127.0.0.1:P" and written to --port-file), takes POST (RFC 6960
appendix A.1, body = DER OCSPRequest) and GET (/ + base64 of the DER request, URL-encoded), and hands
each request to `openssl ocsp -index INDEX -CA CA -rsigner SIGNER -rkey KEY -reqin … -respout …`
(a nonce in the request is copied into the response; nextUpdate = now + --nmin minutes, default 60).
"""
import argparse
import base64
import http.server
import os
import subprocess
import sys
import tempfile
import urllib.parse

MAX_REQUEST = 64 << 10


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--rsigner", required=True)
    ap.add_argument("--rkey", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--nmin", type=int, default=60)
    a = ap.parse_args()

    def answer(request):
        with tempfile.TemporaryDirectory() as tmp:
            req, resp = os.path.join(tmp, "req.der"), os.path.join(tmp, "resp.der")
            with open(req, "wb") as f:
                f.write(request)
            run = subprocess.run(["openssl", "ocsp", "-index", a.index, "-CA", a.ca, "-rsigner", a.rsigner,
                                  "-rkey", a.rkey, "-nmin", str(a.nmin), "-reqin", req, "-respout", resp],
                                 capture_output=True)
            if run.returncode != 0 or not os.path.exists(resp):
                sys.stderr.write(run.stderr.decode(errors="replace"))
                return None
            with open(resp, "rb") as f:
                return f.read()

    class Handler(http.server.BaseHTTPRequestHandler):
        def reply(self, request):
            body = answer(request) if request else None
            if body is None:
                self.send_error(400)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/ocsp-response")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            self.reply(self.rfile.read(n) if 0 < n <= MAX_REQUEST else None)

        def do_GET(self):
            try:
                request = base64.b64decode(urllib.parse.unquote(self.path.lstrip("/")), validate=True)
            except ValueError:
                request = None
            self.reply(request)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    port = server.server_address[1]
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(a.port_file + ".tmp", a.port_file)
    print(f"ocsp-responder: listening on 127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
