#!/usr/bin/env python3
"""The test suite's own OCSP responder, for the answers `openssl ocsp` will not give.

Usage: ocsp-fault-responder.py FOLDER --port-file FILE
  FOLDER is an ocsp-pki.py output, read at the first request (so that the PKI can name this
  responder's port: GET /crl answers FOLDER/root.crl). Binds 127.0.0.1 on a port the OS chooses and writes it to FILE.
  The first path segment picks the behaviour (responder URL http://127.0.0.1:P/MODE/; GET requests
  carry the base64 request after it). Answers are built with cryptography's OCSPResponseBuilder,
  about the certificate asked for (found by serial number in FOLDER), echoing the request's nonce:
    good         good, signed by the issuer (issuer.pem)        -> accepted
    revoked      revoked an hour ago, signed by the issuer      -> accepted
    delegated    good, signed by delegated.pem (id-kp-OCSPSigning), included -> accepted
    noeku        good, signed by noeku.pem (no id-kp-OCSPSigning), included  -> refused
    missigned    revoked, signed by rogue.pem (same name as the root, untrusted) -> refused
    malformed    200 with bytes that are not DER                -> refused
    html         200 text/html error page                       -> refused
    trylater     OCSPResponseStatus tryLater (no body)           -> refused
    stale        good, thisUpdate 2 days ago, nextUpdate yesterday -> refused
    future       good, thisUpdate tomorrow                      -> refused
    mismatch     good about other.pem instead of the certificate asked for -> refused
    wrongnonce   good with a different nonce                    -> refused
    nononce      good without a nonce                           -> accepted unless a nonce is required
    nonext       good without nextUpdate, thisUpdate an hour ago -> refused (not current)
    redirect     302 to ldap://127.0.0.1/ (another scheme)      -> refused
    huge         200 with 2 MiB                                 -> refused (size cap)
"""
import base64
import datetime
import glob
import http.server
import os
import sys
import urllib.parse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

folder = sys.argv[1]
port_file = sys.argv[sys.argv.index("--port-file") + 1]


def load(stem):
    with open(os.path.join(folder, stem + ".pem"), "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    key = None
    if os.path.exists(os.path.join(folder, stem + ".key")):
        with open(os.path.join(folder, stem + ".key"), "rb") as f:
            key = serialization.load_pem_private_key(f.read(), None)
    return cert, key


HOUR = datetime.timedelta(hours=1)
PKI = {}


def pki():
    if not PKI:
        PKI["root"] = load("issuer")
        PKI["certs"] = {}
        for path in glob.glob(os.path.join(folder, "*.pem")):
            cert, _ = load(os.path.basename(path)[:-4])
            PKI["certs"][cert.serial_number] = cert
        PKI["other"], _ = load("other")
        PKI["signers"] = {m: load(m) for m in ("delegated", "noeku", "rogue")}
    return PKI


def answer(mode, request_der):
    """(status, content type, body) for one request."""
    if mode == "malformed":
        return 200, "application/ocsp-response", b"\x30\x03\x0a\x01"
    if mode == "html":
        return 200, "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>"
    if mode == "huge":
        return 200, "application/ocsp-response", b"\x30" * (2 << 20)
    if mode == "trylater":
        return 200, "application/ocsp-response", ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.TRY_LATER).public_bytes(serialization.Encoding.DER)
    root, root_key = pki()["root"]
    other, signers = pki()["other"], pki()["signers"]
    request = ocsp.load_der_ocsp_request(request_der)
    cert = pki()["certs"].get(request.serial_number)
    if cert is None:
        return 200, "application/ocsp-response", ocsp.OCSPResponseBuilder.build_unsuccessful(
            ocsp.OCSPResponseStatus.UNAUTHORIZED).public_bytes(serialization.Encoding.DER)
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    this_update, next_update = now - datetime.timedelta(minutes=1), now + HOUR
    if mode == "stale":
        this_update, next_update = now - 48 * HOUR, now - 24 * HOUR
    elif mode == "future":
        this_update, next_update = now + 24 * HOUR, now + 48 * HOUR
    elif mode == "nonext":
        this_update, next_update = now - HOUR, None
    subject = other if mode == "mismatch" else cert
    status, revoked_at = ocsp.OCSPCertStatus.GOOD, None
    if mode in ("revoked", "missigned"):
        status, revoked_at = ocsp.OCSPCertStatus.REVOKED, now - HOUR
    builder = ocsp.OCSPResponseBuilder().add_response(
        subject, root, hashes.SHA1(), status, this_update, next_update, revoked_at,
        x509.ReasonFlags.key_compromise if revoked_at else None)
    signer, key, extra = root, root_key, []
    if mode in signers or mode == "missigned":
        signer, key = signers["rogue" if mode == "missigned" else mode]
        extra = [signer]
    builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, signer)
    if extra:
        builder = builder.certificates(extra)
    try:
        nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except x509.ExtensionNotFound:
        nonce = None
    if mode == "wrongnonce":
        nonce = b"\x00" * 32
    if nonce is not None and mode != "nononce":
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return 200, "application/ocsp-response", builder.sign(key, hashes.SHA256()).public_bytes(
        serialization.Encoding.DER)


class Handler(http.server.BaseHTTPRequestHandler):
    def respond(self, mode, request):
        if mode == "redirect":
            self.send_response(302)
            self.send_header("Location", "ldap://127.0.0.1/cn=x")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            status, kind, body = answer(mode, request)
        except Exception as error:   # a request the fixture cannot read: say so, as a responder would
            sys.stderr.write(f"ocsp-fault-responder: {error}\n")
            status, kind, body = 400, "text/plain", b"bad request"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        mode = self.path.strip("/").split("/")[0]
        self.respond(mode, self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def do_GET(self):
        if self.path == "/crl":
            with open(os.path.join(folder, "root.crl"), "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Type", "application/pkix-crl")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        parts = self.path.lstrip("/").split("/", 1)
        request = base64.b64decode(urllib.parse.unquote(parts[1])) if len(parts) > 1 else b""
        self.respond(parts[0], request)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(f"{server.server_address[1]}\n")
os.replace(port_file + ".tmp", port_file)
server.serve_forever()
