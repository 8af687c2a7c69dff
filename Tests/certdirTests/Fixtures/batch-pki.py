#!/usr/bin/env python3
"""batch-pki.py OUT COUNT: the PKI of the batch stress test (issue 14), written to OUT.
root (anchor) -> "Batch CA" (its entry holds its CRL) -> COUNT people batchNNN@example.com.
People with an even number name the CRL by a host-less CDP (ldap:///cn=Batch CA,...?certificateRevocationList;binary,
read from the configured directory); odd ones have no CDP (the CRL is then read from the issuer's entry).
Every seventh person (7, 14, ...) is on the CRL. Writes root.pem and directory.ldif."""
import base64, datetime, sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
import fixture_pki

out, count = sys.argv[1], int(sys.argv[2])
now = datetime.datetime.now(datetime.timezone.utc)
start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(days=365)
CA_DN = "cn=Batch CA,dc=example,dc=com"
CDP = f"ldap:///{CA_DN}?certificateRevocationList;binary"


name = fixture_pki.name
cert = lambda *a, **k: fixture_pki.cert(*a[:6], start, end, *a[6:], **k)
crl = lambda issuer, key, revoked=(): fixture_pki.crl(issuer, key, start, end, revoked)
key = lambda: ec.generate_private_key(ec.SECP256R1())
rk, ck = key(), key()
root = cert(name("Batch Root"), rk, name("Batch Root"), rk, True, 1)
ca = cert(name("Batch CA"), ck, root.subject, rk, True, 2)
# One key for everybody: the test is about the directory path, and key generation would dominate.
pk = key()
people = [cert(name(f"batch{i:03d}"), pk, ca.subject, ck, False, 100 + i, mail=f"batch{i:03d}@example.com",
               cdp=CDP if i % 2 == 0 else None) for i in range(1, count + 1)]
revoked = [c.serial_number for i, c in enumerate(people, 1) if i % 7 == 0]

der = lambda c: c.public_bytes(serialization.Encoding.DER)
b64 = lambda b: base64.b64encode(b).decode()
open(f"{out}/root.pem", "wb").write(root.public_bytes(serialization.Encoding.PEM))
ldif = []
for cn, c, crl_der in [("Batch Root", root, crl(root.subject, rk)), ("Batch CA", ca, crl(ca.subject, ck, revoked))]:
    ldif.append("\n".join([f"dn: cn={cn},dc=example,dc=com", "objectClass: applicationProcess", "objectClass: pkiCA",
                           f"cn: {cn}", f"cACertificate;binary:: {b64(der(c))}",
                           f"certificateRevocationList;binary:: {b64(crl_der)}"]))
for i, c in enumerate(people, 1):
    who = f"batch{i:03d}"
    ldif.append("\n".join([f"dn: cn={who},dc=example,dc=com", "objectClass: inetOrgPerson", f"cn: {who}",
                           f"sn: {who}", f"mail: {who}@example.com", f"userCertificate;binary:: {b64(der(c))}"]))
open(f"{out}/directory.ldif", "w").write("\n\n".join(ldif) + "\n")
