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
import sys

from fake_ldap_wire import children, listen, message, octets, requests, result, tlv

MAX_VAL_RANGE = 1500
GROUP = b"CN=Big List,DC=fake,DC=test"


def entry(message_id, dn, attributes):
    attrs = b"".join(tlv(0x30, octets(name) + tlv(0x31, b"".join(octets(v) for v in values)))
                     for name, values in attributes)
    return message(message_id, tlv(0x64, octets(dn) + tlv(0x30, attrs)))


def done(message_id):
    return message(message_id, result(0x65))


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


def main():
    port, count = int(sys.argv[1]), int(sys.argv[2])

    def serve(conn):
        for message_id, op, request in requests(conn):
            if op == 0x63:
                conn.sendall(answer(message_id, request, count))

    listen(port, serve)


if __name__ == "__main__":
    main()
