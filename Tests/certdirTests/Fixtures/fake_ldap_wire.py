"""The wire layer the protocol-level fake LDAP servers share (fake-ldap-server.py,
fake-ad-group-server.py): BER TLVs, LDAPMessage framing, the accept loop and the bind answer.
Each fake keeps only the behaviour it exists for."""
import socket
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


def message(message_id, op):
    """LDAPMessage ::= SEQUENCE { messageID INTEGER, protocolOp }; message_id is the INTEGER's content octets."""
    return tlv(0x30, tlv(0x02, message_id) + op)


def result(tag, code=0, text=b""):
    """An LDAPResult-shaped response (resultCode, matchedDN, diagnosticMessage) with its own tag."""
    return tlv(tag, tlv(0x0A, bytes([code])) + octets(b"") + octets(text))


def read_message(conn, buffer):
    """(one complete BER message, the rest) from the connection, or (None, buffer) at EOF."""
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


def requests(conn):
    """Yields (messageID content octets, protocolOp tag, protocolOp content) until EOF or an
    unbind; a bindRequest is answered with success here."""
    buffer = b""
    while True:
        msg, buffer = read_message(conn, buffer)
        if msg is None:
            return
        _, content, _ = parse(msg)
        (_, message_id), (op, request) = children(content)[:2]
        if op == 0x60:  # bindRequest -> success
            conn.sendall(message(message_id, result(0x61)))
        elif op == 0x42:  # unbind
            return
        else:
            yield message_id, op, request


def listen(port, handle):
    """Listens on 127.0.0.1:port, prints "ready" once listening, and runs handle(conn) in a
    thread for each connection until killed."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(16)
    print("ready", flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()
