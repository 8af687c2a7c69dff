#!/usr/bin/env python3
"""A protocol-level fake of Active Directory's range retrieval, for the one behaviour the Samba DC
does not reproduce: AD answers a plain `member` request for a large group with at most MaxValRange
(1,500) values, as `member;range=0-1499`, and the client must ask `member;range=1500-*`… itself
(MS-ADTS 3.1.1.3.1.3.3). Samba returns every value unless the request names a range.

Usage: fake-ad-group-server.py PORT COUNT
  A search whose filter mentions "biglist@fake.test" returns CN=Big List,DC=fake,DC=test (objectClass
  group, mail biglist@fake.test) with member as AD answers a plain request: member;range=0-1499 (or
  member;range=0-* when COUNT <= 1500), whatever range the request names. A base search of the group
  with member;range=LOW-HIGH returns at most 1,500 values from LOW (…-* at the end). A base search of
  CN=User N,DC=fake,DC=test returns objectClass user and mail userN@fake.test. Any other search
  returns no entries. Binds succeed. Prints "ready" once listening; runs until killed.
"""
import socket
import sys
import threading

MAX_VAL_RANGE = 1500
GROUP = b"CN=Big List,DC=fake,DC=test"


def length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + length(len(content)) + content


def octets(value):
    return tlv(0x04, value)


def parse(buffer, offset=0):
    """(tag, content, next offset) of the TLV at offset."""
    tag, first = buffer[offset], buffer[offset + 1]
    start, size = offset + 2, first
    if first & 0x80:
        count = first & 0x7F
        size = int.from_bytes(buffer[offset + 2 : offset + 2 + count], "big")
        start = offset + 2 + count
    return tag, buffer[start : start + size], start + size


def children(content):
    out, offset = [], 0
    while offset < len(content):
        tag, value, offset = parse(content, offset)
        out.append((tag, value))
    return out


def read_message(conn, buffer):
    """One complete BER message from the connection, or None at EOF."""
    while True:
        if len(buffer) >= 2:
            first = buffer[1]
            header = 2 + (first & 0x7F if first & 0x80 else 0)
            if len(buffer) >= header:
                size = int.from_bytes(buffer[2:header], "big") if first & 0x80 else first
                if len(buffer) >= header + size:
                    return buffer[: header + size], buffer[header + size :]
        data = conn.recv(65536)
        if not data:
            return None, buffer
        buffer += data


def entry(message_id, dn, attributes):
    attrs = b"".join(tlv(0x30, octets(name) + tlv(0x31, b"".join(octets(v) for v in values)))
                     for name, values in attributes)
    return message(message_id, tlv(0x64, octets(dn) + tlv(0x30, attrs)))


def message(message_id, op):
    return tlv(0x30, tlv(0x02, message_id) + op)


def done(message_id):
    return message(message_id, tlv(0x65, tlv(0x0A, b"\x00") + octets(b"") + octets(b"")))


def member_range(count, low):
    high = min(low + MAX_VAL_RANGE - 1, count - 1)
    name = f"member;range={low}-{'*' if high == count - 1 else high}".encode()
    return name, [f"CN=User {i},DC=fake,DC=test".encode() for i in range(low, high + 1)]


def answer(message_id, request, count):
    fields = children(request)
    base, scope, attributes = fields[0][1], fields[1][1], [v for _, v in children(fields[7][1])]
    filter_bytes = fields[6][1]
    out = []
    if scope != b"\x00" and b"biglist@fake.test" in filter_bytes.lower():
        out.append(entry(message_id, GROUP, [(b"objectClass", [b"top", b"group"]),
                                             (b"mail", [b"biglist@fake.test"]), member_range(count, 0)]))
    elif scope == b"\x00" and base == GROUP:
        ranged = [a for a in attributes if a.lower().startswith(b"member;range=")]
        low = int(ranged[0].split(b"=")[1].split(b"-")[0]) if ranged else 0
        attrs = [(b"objectClass", [b"top", b"group"])]
        if low < count:
            attrs.append(member_range(count, low))
        out.append(entry(message_id, GROUP, attrs))
    elif scope == b"\x00" and base.startswith(b"CN=User ") and base.endswith(b",DC=fake,DC=test"):
        number = base[len(b"CN=User "):-len(b",DC=fake,DC=test")].decode()
        out.append(entry(message_id, base, [(b"objectClass", [b"top", b"person", b"user"]),
                                            (b"mail", [f"user{number}@fake.test".encode()])]))
    out.append(done(message_id))
    return b"".join(out)


def serve(conn, count):
    buffer = b""
    while True:
        msg, buffer = read_message(conn, buffer)
        if msg is None:
            return
        _, content, _ = parse(msg)
        (_, message_id), (op, request) = children(content)[:2]
        if op == 0x60:  # bindRequest -> success
            conn.sendall(message(message_id, tlv(0x61, tlv(0x0A, b"\x00") + octets(b"") + octets(b""))))
        elif op == 0x63:
            conn.sendall(answer(message_id, request, count))
        elif op == 0x42:  # unbind
            return


def main():
    port, count = int(sys.argv[1]), int(sys.argv[2])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(16)
    print("ready", flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, count), daemon=True).start()


if __name__ == "__main__":
    main()
