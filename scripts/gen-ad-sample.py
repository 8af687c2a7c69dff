#!/usr/bin/env python3
"""Generate the data of certdir's Active Directory test domain (scripts/samba-directory).

Usage: scripts/gen-ad-sample.py OUTDIR [--bulk N]

Reuses the test PKI helpers of scripts/gen-sample.py (same root + EC intermediate layout), so
`certdir resolve --trust-anchor OUTDIR/pki/root-ca.crt --intermediates OUTDIR/pki/intermediate-ca.crt`
checks every certificate. Writes:
  OUTDIR/pki/root-ca.{crt,key}, intermediate-ca.{crt,key}   S/MIME trust anchor and issuing CA
  OUTDIR/pki/tls-ca.crt, dc.{crt,key}   the DC's TLS certificate (RSA, SAN DNS:dc1.corp.example.test,
                                        DNS:localhost, IP:127.0.0.1) from its own test CA
  OUTDIR/users.ldif                     AD user objects under CN=Users (Samba's LDIF, plain attribute
                                        names: userCertificate is DER, userSMIMECertificate a PKCS#7)
  OUTDIR/bulk.ldif                      with --bulk N: OU=Bulk Users and N users bulkNNNN
  OUTDIR/passwords.json                 {sAMAccountName: password} for the users that bind
  OUTDIR/ad-sample.json                 what the tests expect (see "people" below; certificates as
                                        lowercase hex SHA-256 of the DER)
"""
import argparse
import importlib.util
import json
import os
import secrets
import sys
import time

HERE = os.path.dirname(os.path.realpath(__file__))
_spec = importlib.util.spec_from_file_location("gen_sample", os.path.join(HERE, "gen-sample.py"))
gs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gs)

from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.serialization import pkcs7  # noqa: E402
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID  # noqa: E402
import ipaddress  # noqa: E402

REALM = "CORP.EXAMPLE.TEST"
DOMAIN = "corp.example.test"
BASEDN = "DC=corp,DC=example,DC=test"
USERS = "CN=Users," + BASEDN
DER = gs.DER
PEM = gs.PEM


def password():
    # AD complexity: upper, lower, digit, symbol.
    return "Cd1!" + secrets.token_urlsafe(15)


def tls_certificates(out):
    key = gs.new_rsa()
    ca = gs.make_ca(gs.name((NameOID.ORGANIZATION_NAME, "certdir AD test"),
                            (NameOID.COMMON_NAME, "certdir AD test TLS CA")), key)
    dc_key = gs.new_rsa()
    dc = (x509.CertificateBuilder()
          .subject_name(gs.name((NameOID.ORGANIZATION_NAME, "certdir AD test"),
                                (NameOID.COMMON_NAME, "dc1." + DOMAIN)))
          .issuer_name(ca.cert.subject).public_key(dc_key.public_key())
          .serial_number(x509.random_serial_number())
          .not_valid_before(gs.VALID[0]).not_valid_after(gs.VALID[1])
          .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
          .add_extension(gs.key_usage("digital_signature", "key_encipherment"), critical=True)
          .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
          .add_extension(x509.SubjectAlternativeName([
              x509.DNSName("dc1." + DOMAIN), x509.DNSName("localhost"),
              x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
          .sign(ca.key, hashes.SHA256()))
    pki = os.path.join(out, "pki")
    gs.write(os.path.join(pki, "tls-ca.crt"), ca.cert.public_bytes(PEM))
    gs.write(os.path.join(pki, "dc.crt"), dc.public_bytes(PEM))
    # Samba refuses a TLS key file readable by others.
    gs.write(os.path.join(pki, "dc.key"), gs.pem_key(dc_key), 0o600)


class ADSample:
    def __init__(self, out, inter):
        self.out, self.inter = out, inter
        self.ldif, self.people, self.passwords = [], {}, {}

    def user(self, sam, given, mail, proxy=(), user_certs=(), smime=(), bind=False):
        """One AD user. user_certs: DER values of userCertificate; smime: PKCS#7 values."""
        cn = f"{given} Example"
        dn = f"CN={cn},{USERS}"
        lines = [f"dn: {dn}\n", "objectClass: user\n", f"sAMAccountName: {sam}\n",
                 f"userPrincipalName: {sam}@{DOMAIN}\n", f"givenName: {given}\n", "sn: Example\n",
                 f"displayName: {cn}\n"]
        if mail:
            lines.append(f"mail: {mail}\n")
        lines += [gs.ldif_attr("proxyAddresses", p) for p in proxy]
        lines += [gs.ldif_attr("userCertificate", d) for d in user_certs]
        lines += [gs.ldif_attr("userSMIMECertificate", p) for p in smime]
        self.ldif.append("".join(lines) + "\n")
        if bind:
            self.passwords[sam] = password()
        return dn

    def expect(self, key, **fields):
        self.people[key] = fields

    def enc_rsa(self, mail, cn, **kw):
        return gs.issue(self.inter, gs.new_rsa(), cn, san=[mail], **kw)

    def p7(self, *ders):
        certs = [x509.load_der_x509_certificate(d) for d in ders]
        return pkcs7.serialize_certificates(certs, DER)


def build(s):
    I = s.inter
    sha = gs.sha256
    # alice: mail, SMTP: primary, smtp: alias, SIP:; userCertificate (DER) and the same cert in a
    # userSMIMECertificate bundle with the intermediate.
    alice = s.enc_rsa(f"alice@{DOMAIN}", "Alice Example")
    dn = s.user("alice", "Alice", f"alice@{DOMAIN}",
                proxy=[f"SMTP:alice@{DOMAIN}", f"smtp:alice.alias@{DOMAIN}", f"SIP:alice.sip@{DOMAIN}"],
                user_certs=[alice], smime=[s.p7(alice, I.der)], bind=True)
    s.expect("alice", dn=dn, sam="alice", address=f"alice@{DOMAIN}", alias=f"Alice.Alias@CORP.Example.Test",
             sip=f"alice.sip@{DOMAIN}", sha256=sha(alice))

    # dave: only userSMIMECertificate (EC key, bundle with the intermediate)
    dave = gs.issue(I, gs.new_ec(), "Dave Example", san=[f"dave@{DOMAIN}"], ku=gs.KU_EC_ENC)
    dn = s.user("dave", "Dave", f"dave@{DOMAIN}", proxy=[f"SMTP:dave@{DOMAIN}"], smime=[s.p7(I.der, dave)])
    s.expect("smimeOnly", dn=dn, address=f"dave@{DOMAIN}", sha256=sha(dave))

    # bob: dual key pairs, the signing-only certificate first
    sign = gs.issue(I, gs.new_rsa(), "Bob Example (signing)", san=[f"bob@{DOMAIN}"], ku=gs.KU_SIGN)
    enc = s.enc_rsa(f"bob@{DOMAIN}", "Bob Example (encryption)")
    dn = s.user("bob", "Bob", f"bob@{DOMAIN}", proxy=[f"SMTP:bob@{DOMAIN}", f"smtp:robert@{DOMAIN}"],
                user_certs=[sign, enc], smime=[s.p7(sign, enc, I.der)])
    s.expect("dual", dn=dn, address=f"bob@{DOMAIN}", sha256=sha(enc), signing=sha(sign))

    # renee: expired certificate, then its renewal with the same key
    k = gs.new_rsa()
    old = gs.issue(I, k, "Renee Example", san=[f"renee@{DOMAIN}"], validity=gs.EXPIRED)
    new = gs.issue(I, k, "Renee Example", san=[f"renee@{DOMAIN}"])
    dn = s.user("renee", "Renee", f"renee@{DOMAIN}", proxy=[f"SMTP:renee@{DOMAIN}"], user_certs=[old, new])
    s.expect("renewed", dn=dn, address=f"renee@{DOMAIN}", sha256=sha(new), expired=sha(old))

    # eve: addresses, no certificate
    dn = s.user("eve", "Eve", f"eve@{DOMAIN}", proxy=[f"SMTP:eve@{DOMAIN}", f"smtp:eve.alias@{DOMAIN}"])
    s.expect("noCertificate", dn=dn, address=f"eve@{DOMAIN}")

    # publishers: no certificate yet, each binds as itself (one per publish test)
    for sam, given in (("pub1", "Publisher1"), ("pub2", "Publisher2"), ("pub3", "Publisher3")):
        dn = s.user(sam, given, f"{sam}@{DOMAIN}", proxy=[f"SMTP:{sam}@{DOMAIN}"], bind=True)
        s.expect(sam, dn=dn, sam=sam, address=f"{sam}@{DOMAIN}")

    # the service account the lookups bind as
    dn = s.user("svc-certdir", "Service", None, bind=True)
    s.expect("reader", dn=dn, sam="svc-certdir", upn=f"svc-certdir@{DOMAIN}")


def gen_bulk(s, n):
    """N users under OU=Bulk Users, each with one EC encryption certificate (keys from a small pool)."""
    pool = [gs.new_ec() for _ in range(16)]
    ou = "OU=Bulk Users," + BASEDN
    lines = [f"dn: {ou}\nobjectClass: organizationalUnit\nou: Bulk Users\n\n"]
    hashes_ = []
    for i in range(1, n + 1):
        sam = f"bulk{i:04d}"
        mail = f"{sam}@{DOMAIN}"
        der = gs.issue(s.inter, pool[i % len(pool)], f"Bulk User {i:04d}", san=[mail], ku=gs.KU_EC_ENC)
        hashes_.append(gs.sha256(der))
        lines.append(f"dn: CN=Bulk User {i:04d},{ou}\nobjectClass: user\nsAMAccountName: {sam}\n"
                     f"userPrincipalName: {mail}\nmail: {mail}\nproxyAddresses: SMTP:{mail}\n"
                     + gs.ldif_attr("userCertificate", der) + "\n")
    # A mail group of every bulk user: more members than AD's MaxValRange (1,500), so that a
    # client must walk member;range=… to read them all.
    members = "".join(f"member: CN=Bulk User {i:04d},{ou}\n" for i in range(1, n + 1))
    lines.append(f"dn: CN=All Bulk Users,{ou}\nobjectClass: group\nsAMAccountName: allbulk\n"
                 f"mail: allbulk@{DOMAIN}\n{members}\n")
    with open(os.path.join(s.out, "bulk.ldif"), "w") as f:
        f.writelines(lines)
    return hashes_


def main():
    ap = argparse.ArgumentParser(description="Generate the AD test domain's data.")
    ap.add_argument("outdir")
    ap.add_argument("--bulk", type=int, default=0, metavar="N")
    a = ap.parse_args()
    out = os.path.abspath(a.outdir)
    t0 = time.time()
    os.makedirs(os.path.join(out, "pki"), exist_ok=True)
    root = gs.make_ca(gs.name((NameOID.COUNTRY_NAME, "US"), (NameOID.ORGANIZATION_NAME, "Corp Example"),
                              (NameOID.COMMON_NAME, "Corp Example Test Root CA")), gs.new_rsa())
    inter = gs.make_ca(gs.name((NameOID.COUNTRY_NAME, "US"), (NameOID.ORGANIZATION_NAME, "Corp Example"),
                               (NameOID.COMMON_NAME, "Corp Example Test S/MIME Intermediate CA")),
                       gs.new_ec(), issuer=root, path_len=0)
    for fn, ca in (("root-ca", root), ("intermediate-ca", inter)):
        gs.write(os.path.join(out, "pki", fn + ".crt"), ca.cert.public_bytes(PEM))
        gs.write(os.path.join(out, "pki", fn + ".key"), gs.pem_key(ca.key), 0o600)
    tls_certificates(out)
    s = ADSample(out, inter)
    build(s)
    with open(os.path.join(out, "users.ldif"), "w") as f:
        f.writelines(s.ldif)
    bulk = gen_bulk(s, a.bulk) if a.bulk else []
    gs.write(os.path.join(out, "passwords.json"), json.dumps(s.passwords).encode(), 0o600)
    sample = {"realm": REALM, "domain": DOMAIN, "base": BASEDN, "trustAnchor": "pki/root-ca.crt",
              "intermediate": "pki/intermediate-ca.crt", "people": s.people,
              "bulk": {"count": a.bulk, "sha256": bulk, "group": f"allbulk@{DOMAIN}" if a.bulk else None}}
    gs.write(os.path.join(out, "ad-sample.json"), (json.dumps(sample, indent=1) + "\n").encode())
    print(f"gen-ad-sample.py: {len(s.ldif)} users, {a.bulk} bulk users in {time.time() - t0:.2f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
