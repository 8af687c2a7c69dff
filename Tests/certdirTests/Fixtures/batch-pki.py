#!/usr/bin/env python3
"""batch-pki.py OUT COUNT: the PKI of the batch stress test (issue 14), written to OUT.
root (anchor) -> "Batch CA" (its entry holds its CRL) -> COUNT people batchNNN@example.com.
People with an even number name the CRL by a host-less CDP (ldap:///cn=Batch CA,...?certificateRevocationList;binary,
read from the configured directory); odd ones have no CDP (the CRL is then read from the issuer's entry).
Every seventh person (7, 14, ...) is on the CRL. Writes root.pem and directory.ldif."""
import base64, datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

out, count = sys.argv[1], int(sys.argv[2])
now = datetime.datetime.now(datetime.timezone.utc)
start, end = now - datetime.timedelta(days=1), now + datetime.timedelta(days=365)
CA_DN = "cn=Batch CA,dc=example,dc=com"
CDP = f"ldap:///{CA_DN}?certificateRevocationList;binary"

def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "com"),
                      x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "example"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])

def cert(subject, key, issuer, issuer_key, ca, serial, mail=None, cdp=None):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
         .serial_number(serial).not_valid_before(start).not_valid_after(end)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False))
    if ca:
        b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
    else:
        b = b.add_extension(x509.KeyUsage(False, False, False, False, True, False, False, False, False), critical=True)
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        b = b.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(mail)]), critical=False)
    if cdp:
        b = b.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(cdp)], None, None, None)]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())

def crl(issuer, key, revoked=()):
    b = x509.CertificateRevocationListBuilder().issuer_name(issuer).last_update(start).next_update(end)
    for serial in revoked:
        b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(serial)
                                      .revocation_date(start).build())
    return b.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

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
