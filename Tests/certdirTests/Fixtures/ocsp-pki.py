#!/usr/bin/env python3
"""A small PKI for the OCSP tests: Usage: ocsp-pki.py FOLDER CRL-URL

Writes into FOLDER (PEM unless noted):
  root.pem / root.key          trust anchor (EC P-256); CRL distribution point CRL-URL (OpenSSL's
                               CRL_CHECK_ALL wants the anchor's CRL too; ocsp-fault-responder.py serves it)
  root.crl                     the root's CRL (DER), empty, valid a year: covers the root and the issuer
  issuer.pem / issuer.key      intermediate CA under the root (CDP CRL-URL); issues everything below and
                               signs the OCSP answers; it publishes no CRL, so only OCSP can speak for
                               the certificates below
  good.pem, revoked.pem, unknown.pem, other.pem   S/MIME encryption certificates (RSA-2048, keyEncipherment,
                               emailProtection) issued by the issuer; no CRL distribution point, no AIA
  delegated.pem / .key         issued by the issuer with EKU id-kp-OCSPSigning (a delegated responder)
  noeku.pem / .key             issued by the issuer without id-kp-OCSPSigning (not a responder)
  rogue.pem / .key             a self-signed CA with the issuer's name, which nobody trusts
  index.txt (+ .attr)          `openssl ca` database for `openssl ocsp -index`: good and other valid,
                               revoked revoked an hour ago; unknown is not listed
"""
import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
DAY = datetime.timedelta(days=1)
PEM = serialization.Encoding.PEM


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "OCSP Test"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def build(subject, key, issuer_name, issuer_key, ca=False, eku=None, mail=None, serial=None, cdp=None):
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name).public_key(key.public_key())
         .serial_number(serial or x509.random_serial_number())
         .not_valid_before(NOW - 10 * DAY).not_valid_after(NOW + 365 * DAY)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False))
    if ca:
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
    elif mail:
        b = b.add_extension(x509.KeyUsage(True, False, True, False, False, False, False, False, False), critical=True)
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        b = b.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(mail)]), critical=False)
    else:
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    if cdp:
        b = b.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(cdp)], None, None, None)]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def save(folder, stem, cert, key=None):
    with open(os.path.join(folder, stem + ".pem"), "wb") as f:
        f.write(cert.public_bytes(PEM))
    if key is not None:
        with open(os.path.join(folder, stem + ".key"), "wb") as f:
            f.write(key.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def main():
    folder, crl_url = sys.argv[1], sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = build(name("OCSP Test Root"), root_key, name("OCSP Test Root"), root_key, ca=True, cdp=crl_url)
    crl = (x509.CertificateRevocationListBuilder().issuer_name(root.subject).last_update(NOW - DAY)
           .next_update(NOW + 365 * DAY).sign(root_key, hashes.SHA256()))
    with open(os.path.join(folder, "root.crl"), "wb") as f:
        f.write(crl.public_bytes(serialization.Encoding.DER))
    save(folder, "root", root, root_key)
    issuer_key = ec.generate_private_key(ec.SECP256R1())
    issuer = build(name("OCSP Test Issuer"), issuer_key, root.subject, root_key, ca=True, cdp=crl_url)
    save(folder, "issuer", issuer, issuer_key)
    index = []
    for stem in ("good", "revoked", "unknown", "other"):
        key = rsa.generate_private_key(65537, 2048)
        cert = build(name(stem), key, issuer.subject, issuer_key, mail=f"{stem}@example.com")
        save(folder, stem, cert, key)
        if stem != "unknown":
            serial = f"{cert.serial_number:X}"
            serial = "0" + serial if len(serial) % 2 else serial
            state, when = ("R", (NOW - datetime.timedelta(hours=1)).strftime("%y%m%d%H%M%SZ")) \
                if stem == "revoked" else ("V", "")
            index.append(f"{state}\t{(NOW + 365 * DAY).strftime('%y%m%d%H%M%SZ')}\t{when}\t{serial}\tunknown\t/CN={stem}\n")
    for stem, eku in (("delegated", [ExtendedKeyUsageOID.OCSP_SIGNING]), ("noeku", None)):
        key = ec.generate_private_key(ec.SECP256R1())
        save(folder, stem, build(name(stem), key, issuer.subject, issuer_key, eku=eku), key)
    rogue_key = ec.generate_private_key(ec.SECP256R1())
    save(folder, "rogue", build(issuer.subject, rogue_key, issuer.subject, rogue_key, ca=True), rogue_key)
    with open(os.path.join(folder, "index.txt"), "w") as f:
        f.writelines(index)
    with open(os.path.join(folder, "index.txt.attr"), "w") as f:
        f.write("unique_subject = no\n")


if __name__ == "__main__":
    main()
