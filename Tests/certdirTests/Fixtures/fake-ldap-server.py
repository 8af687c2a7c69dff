#!/usr/bin/env python3
"""A misbehaving LDAP server on 127.0.0.1 for certdir's fault tests.

Usage: fake-ldap-server.py PORT MODE [CERT.der]
  blackhole  accept TCP connections and never send a byte (an ldaps:// handshake hangs)
  flood      answer the bind, then stream search entries without end (CERT.der as userCertificate)
  extended   answer the bind, then every other request as Samba's AD DC answers one with a critical
             control it does not support: an extendedResponse (not the operation's own response type)
             with unavailableCriticalExtension (12)
Prints "ready" on stdout once listening; runs until killed.
"""
import sys

from fake_ldap_wire import listen, message, octets, requests, result, tlv


def serve_flood(conn, certificate, mode):
    for message_id, op, _ in requests(conn):
        if mode == "extended" and op in (0x63, 0x66):  # search or modify -> extendedResponse, 12
            conn.sendall(message(message_id, result(0x78, 12, b"critical control not supported")))
        elif op == 0x63:  # searchRequest -> entries for ever
            attrs = tlv(0x30, octets(b"mail") + tlv(0x31, octets(b"alice@example.com")))
            attrs += tlv(0x30, octets(b"userCertificate;binary") + tlv(0x31, octets(certificate)))
            entry = message(message_id, tlv(0x64, octets(b"uid=alice,dc=example,dc=com") + tlv(0x30, attrs)))
            try:
                while True:
                    conn.sendall(entry * 50)
            except OSError:
                return


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    certificate = open(sys.argv[3], "rb").read() if len(sys.argv) > 3 else b"\x30\x00"
    held = []
    # blackhole: hold each connection open and never answer.
    listen(port, held.append if mode == "blackhole" else lambda conn: serve_flood(conn, certificate, mode))


if __name__ == "__main__":
    main()
