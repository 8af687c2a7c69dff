#!/usr/bin/env python3
"""revocation-pki.py OUT HTTP_PORT: a small PKI for the revocation tests, written to OUT.
root (anchor) -> CA1 (entry holds its CRL) -> good@, revoked@ (revoked@ is on CA1's CRL)
              -> CA2 (entry holds no CRL)   -> http@ (CDP http://127.0.0.1:HTTP_PORT/ca2.crl),
                                               down@ (CDP http://127.0.0.1:9/ca2.crl, nothing listens)
Writes root.pem (the only local file a test gives certdir), ca2.crl (to serve over HTTP),
and directory.ldif: dc=example,dc=com entries for root, CA1, CA2 (applicationProcess + pkiCA,
cACertificate/certificateRevocationList) and the four people (inetOrgPerson, userCertificate)."""
import base64, datetime, sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
import fixture_pki

out, port = sys.argv[1], sys.argv[2]
now = datetime.datetime.now(datetime.timezone.utc)
start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(days=365)


name = fixture_pki.name
cert = lambda *a, **k: fixture_pki.cert(*a[:6], start, end, *a[6:], **k)
crl = lambda issuer, key, revoked=(): fixture_pki.crl(issuer, key, start, end, revoked)
key = lambda: ec.generate_private_key(ec.SECP256R1())
rk, k1, k2 = key(), key(), key()
root = cert(name("Revocation Test Root"), rk, name("Revocation Test Root"), rk, True, 1)
ca1 = cert(name("Revocation Test CA1"), k1, root.subject, rk, True, 2)
ca2 = cert(name("Revocation Test CA2"), k2, root.subject, rk, True, 3)
people = {}
for serial, (who, issuer, ik, cdp) in enumerate([
        ("good", ca1, k1, None), ("revoked", ca1, k1, None),
        ("http", ca2, k2, f"http://127.0.0.1:{port}/ca2.crl"), ("down", ca2, k2, "http://127.0.0.1:9/ca2.crl")], 10):
    people[who] = cert(name(who), key(), issuer.subject, ik, False, serial, mail=f"{who}@example.com", cdp=cdp)

der = lambda c: c.public_bytes(serialization.Encoding.DER)
b64 = lambda b: base64.b64encode(b).decode()
open(f"{out}/root.pem", "wb").write(root.public_bytes(serialization.Encoding.PEM))
open(f"{out}/ca2.crl", "wb").write(crl(ca2.subject, k2))
# Each recipient's certificate as a file too, for `book import`.
for who, c in people.items():
    open(f"{out}/{who}.pem", "wb").write(c.public_bytes(serialization.Encoding.PEM))
ldif = []
for cn, c, crl_der in [("Revocation Test Root", root, crl(root.subject, rk)),
                       ("Revocation Test CA1", ca1, crl(ca1.subject, k1, [people["revoked"].serial_number])),
                       ("Revocation Test CA2", ca2, None)]:
    entry = [f"dn: cn={cn},dc=example,dc=com", "objectClass: applicationProcess", "objectClass: pkiCA", f"cn: {cn}",
             f"cACertificate;binary:: {b64(der(c))}"]
    if crl_der:
        entry.append(f"certificateRevocationList;binary:: {b64(crl_der)}")
    ldif.append("\n".join(entry))
for who, c in people.items():
    ldif.append("\n".join([f"dn: cn={who},dc=example,dc=com", "objectClass: inetOrgPerson", f"cn: {who}", f"sn: {who}",
                           f"mail: {who}@example.com", f"userCertificate;binary:: {b64(der(c))}"]))
open(f"{out}/directory.ldif", "w").write("\n\n".join(ldif) + "\n")
