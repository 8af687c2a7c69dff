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
import socket
import sys
import threading


def length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + length(len(content)) + content


def octets(value):
    return tlv(0x04, value)


def message(message_id, op):
    return tlv(0x30, tlv(0x02, bytes([message_id])) + op)


def read_message(conn, buffer):
    """One complete BER message from the connection, or None at EOF."""
    while True:
        if len(buffer) >= 2:
            first = buffer[1]
            offset, size = 2, first
            if first & 0x80:
                count = first & 0x7F
                if len(buffer) >= 2 + count:
                    size = int.from_bytes(buffer[2 : 2 + count], "big")
                    offset = 2 + count
                else:
                    size = None
            if size is not None and len(buffer) >= offset + size:
                return buffer[: offset + size], buffer[offset + size :]
        data = conn.recv(65536)
        if not data:
            return None, buffer
        buffer += data


def serve_flood(conn, certificate, mode):
    buffer = b""
    while True:
        msg, buffer = read_message(conn, buffer)
        if msg is None:
            return
        # SEQUENCE { INTEGER messageID (one byte here), protocolOp }
        offset = 2 + (msg[1] & 0x7F if msg[1] & 0x80 else 0)
        message_id, op = msg[offset + 2], msg[offset + 3]
        if op == 0x60:  # bindRequest -> success
            conn.sendall(message(message_id, tlv(0x61, tlv(0x0A, b"\x00") + octets(b"") + octets(b""))))
        elif mode == "extended" and op in (0x63, 0x66):  # search or modify -> extendedResponse, 12
            result = tlv(0x0A, b"\x0c") + octets(b"") + octets(b"critical control not supported")
            conn.sendall(message(message_id, tlv(0x78, result)))
        elif op == 0x63:  # searchRequest -> entries for ever
            attrs = tlv(0x30, octets(b"mail") + tlv(0x31, octets(b"alice@example.com")))
            attrs += tlv(0x30, octets(b"userCertificate;binary") + tlv(0x31, octets(certificate)))
            entry = message(message_id, tlv(0x64, octets(b"uid=alice,dc=example,dc=com") + tlv(0x30, attrs)))
            try:
                while True:
                    conn.sendall(entry * 50)
            except OSError:
                return
        elif op == 0x42:  # unbind
            return


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    certificate = open(sys.argv[3], "rb").read() if len(sys.argv) > 3 else b"\x30\x00"
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(16)
    print("ready", flush=True)
    held = []
    while True:
        conn, _ = server.accept()
        if mode == "blackhole":
            held.append(conn)
        else:
            threading.Thread(target=serve_flood, args=(conn, certificate, mode), daemon=True).start()


if __name__ == "__main__":
    main()
