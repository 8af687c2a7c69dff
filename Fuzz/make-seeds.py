#!/usr/bin/env python3
"""Writes the small seed corpora of the fuzz targets (Fuzz/TARGET/corpus).

Run once by hand when a target's input format changes; the seeds are checked
in. Certificates come from a throwaway PKI made here with `cryptography`;
S/MIME messages are signed with `openssl smime`. The certificate and CRL
targets take the to-be-signed part only (the target signs it with its own
fixed key), so their seeds name the issuers of Fuzz/FuzzSupport/FuzzPKI.swift.
"""
import datetime
import os
import subprocess
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = datetime.datetime(2026, 9, 21, 14, 13, 20, tzinfo=datetime.timezone.utc)
DAY = datetime.timedelta(days=1)


def name(cn, org="certdir fuzz"):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, org), x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def write(target, label, data):
    folder = os.path.join(HERE, target, "corpus")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, label), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def builder(subject, issuer, key, serial, ca=False, email=None, eku=None, ku=None):
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(NOW - 30 * DAY)
        .not_valid_after(NOW + 365 * DAY)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if ku is not None:
        b = b.add_extension(ku, critical=True)
    if email:
        b = b.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False)
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    return b


def leaf_usage(agreement):
    return x509.KeyUsage(
        digital_signature=not agreement, content_commitment=False, key_encipherment=False,
        data_encipherment=False, key_agreement=agreement, key_cert_sign=False, crl_sign=False,
        encipher_only=False, decipher_only=False)


CA_USAGE = x509.KeyUsage(
    digital_signature=False, content_commitment=False, key_encipherment=False, data_encipherment=False,
    key_agreement=False, key_cert_sign=True, crl_sign=True, encipher_only=False, decipher_only=False)


def main():
    # --- a throwaway PKI for the directory values and messages
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = builder(name("seed root"), name("seed root"), root_key, 1, ca=True, ku=CA_USAGE).sign(root_key, hashes.SHA256())
    ee_key = ec.generate_private_key(ec.SECP256R1())
    ee = builder(name("alice"), name("seed root"), ee_key, 10, email="alice@example.com",
                 eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION], ku=leaf_usage(True)).sign(root_key, hashes.SHA256())
    signer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signer = builder(name("bob"), name("seed root"), signer_key, 11, email="bob@example.com",
                     eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION], ku=leaf_usage(False)).sign(root_key, hashes.SHA256())
    der = lambda c: c.public_bytes(serialization.Encoding.DER)
    pem = lambda c: c.public_bytes(serialization.Encoding.PEM)
    sep = b"\n%%\n"

    # fuzz-directory-value: values separated by "\n%%\n"
    bundle = pkcs7.serialize_certificates([root, ee], serialization.Encoding.DER)
    write("fuzz-directory-value", "der-leaf-and-root", der(ee) + sep + der(root))
    write("fuzz-directory-value", "pem-leaf", pem(ee) + sep + der(root))
    write("fuzz-directory-value", "pkcs7-certs-only", bundle)
    write("fuzz-directory-value", "base64-text", b"".join(pem(ee).splitlines(keepends=True)[1:-1]) + sep + der(root))
    write("fuzz-directory-value", "smime-cert-and-bundle", der(root) + sep + der(signer) + sep + bundle)

    # fuzz-message: clear and opaque signed messages, and a plain one
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for label, data in [("cert.pem", pem(signer)), ("root.pem", pem(root)),
                            ("key.pem", signer_key.private_bytes(serialization.Encoding.PEM,
                                                                 serialization.PrivateFormat.PKCS8,
                                                                 serialization.NoEncryption()))]:
            paths[label] = os.path.join(tmp, label)
            with open(paths[label], "wb") as f:
                f.write(data)
        body = os.path.join(tmp, "body.txt")
        with open(body, "w") as f:
            f.write("Content-Type: text/plain\r\n\r\nHello, this is signed.\r\n")
        headers = ["-from", "bob@example.com", "-to", "alice@example.com", "-subject", "seed"]
        for label, extra in [("clear-signed.eml", []), ("opaque-signed.eml", ["-nodetach"])]:
            out = subprocess.run(["openssl", "smime", "-sign", "-in", body, "-signer", paths["cert.pem"],
                                  "-inkey", paths["key.pem"], "-certfile", paths["root.pem"]] + headers + extra,
                                 check=True, capture_output=True).stdout
            write("fuzz-message", label, out)
    write("fuzz-message", "plain.eml", "From: Bob <bob@example.com>\r\nTo: alice@example.com\r\nSubject: hi\r\n\r\nbody\r\n")

    # fuzz-certificate-differential: TBSCertificates under FuzzPKI's intermediate
    issuer = name("certdir fuzz intermediate")
    for serial, (label, key, email, eku, ku) in enumerate([
        ("p256-encrypt", ec.generate_private_key(ec.SECP256R1()), "alice@example.com",
         [ExtendedKeyUsageOID.EMAIL_PROTECTION], leaf_usage(True)),
        ("rsa-sign", rsa.generate_private_key(public_exponent=65537, key_size=2048), "bob@example.com",
         [ExtendedKeyUsageOID.EMAIL_PROTECTION], leaf_usage(False)),
        ("no-extensions", ec.generate_private_key(ec.SECP384R1()), None, None, None),
    ], start=100):
        cert = builder(name(label), issuer, key, serial, email=email, eku=eku, ku=ku).sign(
            ec.generate_private_key(ec.SECP256R1()), hashes.SHA256())
        write("fuzz-certificate-differential", label, cert.tbs_certificate_bytes)

    # fuzz-crl: TBSCertLists by FuzzPKI's root, one revoking the intermediate (serial 2)
    throwaway = ec.generate_private_key(ec.SECP256R1())
    for label, serials in [("empty", []), ("revokes-intermediate", [2]), ("revokes-others", [3, 4, 5])]:
        b = (x509.CertificateRevocationListBuilder().issuer_name(name("certdir fuzz root"))
             .last_update(NOW - DAY).next_update(NOW + 30 * DAY)
             .add_extension(x509.CRLNumber(1), critical=False))
        for s in serials:
            b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(s)
                                          .revocation_date(NOW - 2 * DAY).build())
        write("fuzz-crl", label, b.sign(throwaway, hashes.SHA256()).tbs_certlist_bytes)

    # fuzz-search-query, fuzz-address, fuzz-config: text
    for label, query in [("email", "email=alice%40example.com"), ("email-any", "email=alice@example.com&purpose=any"),
                         ("hash", "certHash=q83vASNFZ4mrze8BI0VniavN7wE"), ("name", "name=Alice%20Example"),
                         ("bad", "email=a&email=b&x")]:
        write("fuzz-search-query", label, query)
    for label, address in [("plain", "alice@example.com"), ("idn", "jörg@bücher.example"),
                           ("quoted", '"a b"@example.com'), ("literal", "x@[192.0.2.1]"),
                           ("specials", "a*(b)\\c@example.com")]:
        write("fuzz-address", label, address)
    write("fuzz-config", "full.toml", """default-directory = "corp"
trust-anchors = ["/etc/certdir/smime-root.pem"]
intermediates = ["/etc/certdir/ica.pem"]
strict-local-part = true
min-rsa-bits = 3072

[directories.corp]
uri = ["ldaps://dc1.corp.example", "ldaps://dc2.corp.example"]
base = "dc=corp,dc=example"
tls-ca-file = "/etc/certdir/corp-ca.pem"
bind-dn = "cn=reader,dc=corp,dc=example"
password-file = "/etc/certdir/password"
network-timeout = 5
global-catalog = false
""")
    write("fuzz-config", "bad-key.toml", 'uri = "ldap://x"\nunknown-key = 1\n')


if __name__ == "__main__":
    main()
