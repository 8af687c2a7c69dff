#!/usr/bin/env python3
"""Generate certdir's sample directory: a test PKI, people with S/MIME certificates, a manifest.

Usage: scripts/gen-sample.py OUTDIR [--bulk N] [--jobs J] [--ocsp-port P]

Writes (names are deterministic; keys, serials and so fingerprints are fresh on every run):
  OUTDIR/pki/root-ca.{crt,key}            trust anchor, RSA-2048, SHA-256, valid now-1000d .. now+3650d
  OUTDIR/pki/intermediate-ca.{crt,key}    EC P-256, pathLen 0, issues every user cert but one
  OUTDIR/pki/untrusted-root-ca.{crt,key}  EC P-256 self-signed CA that nobody trusts
  OUTDIR/people.ldif                      slapadd-ready entries under ou=people,dc=example,dc=com
                                          (the base entries come from scripts/test-directory), and
                                          ou=pki with cn=root-ca and cn=intermediate-ca (pkiCA:
                                          cACertificate, certificateRevocationList = each CA's CRL)
  OUTDIR/pki/{root,intermediate}-ca.crl   the CRLs (DER), nextUpdate now+400d; the intermediate's
                                          lists revoked@example.com's certificate
  OUTDIR/pki/index.txt (+ .attr)          `openssl ca` database of the intermediate's certificates,
                                          for `openssl ocsp -index` (scripts/ocsp-responder.py)
  OUTDIR/keys/<sha256>.key / .crt         PEM PKCS#8 key and PEM cert of every end-entity cert
  OUTDIR/manifest.json                    what the generator meant to build (see below)
  with --bulk N: OUTDIR/bulk.ldif          N more people bulkNNNNNN@example.com (uid bulkNNNNNN), each
                                          with one EC encryption cert; keys from a 64-key pool in
                                          OUTDIR/keys/bulk-pool-KK.key (person i uses key (i-1) % 64)

Revocation data: every certificate the intermediate issues names a CRL distribution point in the
directory by a host-less URL (ldap:///cn=intermediate-ca,ou=pki,dc=example,dc=com?certificateRevocationList;binary),
the intermediate names the root's the same way, and every non-bulk certificate of the intermediate names
the OCSP responder http://127.0.0.1:P/ (--ocsp-port, default 13390) in authorityInfoAccess. Bulk people
have the CRL distribution point only, so that bulk runs measure the directory, not the responder.

Every person: objectClass inetOrgPerson (+ certdirMailRecipient when proxyAddresses is set), uid, cn, sn,
mail, userPassword = {SSHA} of "userpw". Certificates: userCertificate;binary (DER), userSMIMECertificate
(DER PKCS#7 / CMS SignedData).

manifest.json keys:
  generatedAt   RFC 3339 UTC time of generation
  base          "ou=people,dc=example,dc=com"
  trustAnchor   "pki/root-ca.crt" (paths relative to OUTDIR)
  intermediate  "pki/intermediate-ca.crt"
  untrustedRoot "pki/untrusted-root-ca.crt"
  userPassword  "userpw" (password of every person)
  people        [{address, query, status, sha256?, candidates?, dn?, note}]
                  status: ok | not-found | no-usable-certificate | ambiguous
                  query: the string to look up (may differ from address: alias, case)
                  sha256: (ok only) lowercase hex SHA-256 of the DER certificate certdir should choose
                  candidates: (ambiguous only) sha256 of the fit certificate of each matching entry
                  dn: DN of the entry that should answer (ok only)
  certificates  [{sha256, dn, attribute, address, reasons, ca, key?}] -- every certificate value (and every
                  certificate inside a PKCS#7 value) stored in the directory; "attribute" is
                  "userCertificate" or "userSMIMECertificate"; "address" is the entry's mail as written;
                  reasons [] = fit for encryption to that address, else any of:
                  expired, not-yet-valid, key-usage, extended-key-usage, address-mismatch, weak-key,
                  weak-signature, untrusted, ca-certificate (with "ca": true), malformed-value (sha256 is
                  then that of the raw attribute value); "key": "keys/<sha256>.key" for end-entity certs
  groups        [{address, dn, objectClass, members, status, note}] -- mail groups (groupOfNames or
                  groupOfUniqueNames + certdirMailRecipient with mail): members are the addresses the
                  expansion yields, nested groups expanded and loops ignored; status ok or
                  member-without-certificate
  bulk          {count, prefix, digits, first, ldif, keyPool, poolSize} (only with --bulk)
  revocation    {ocspURL, ocspPort, crls: {root, intermediate}, index, revoked: [sha256]}
"""
import argparse
import base64
import datetime
import hashlib
import json
import multiprocessing
import os
import sys
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

BASE = "ou=people,dc=example,dc=com"
USERPW = "userpw"
DER = serialization.Encoding.DER
PEM = serialization.Encoding.PEM
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
DAY = datetime.timedelta(days=1)
VALID = (NOW - 30 * DAY, NOW + 730 * DAY)
EXPIRED = (NOW - 800 * DAY, NOW - 30 * DAY)
NOT_YET = (NOW + 30 * DAY, NOW + 400 * DAY)
CA_VALIDITY = (NOW - 1000 * DAY, NOW + 3650 * DAY)
BULK_POOL = 64
PKI_BASE = "ou=pki,dc=example,dc=com"
CRL_VALIDITY = (NOW - DAY, NOW + 400 * DAY)
BULK_CHUNK = 2000

# ---------------------------------------------------------------- helpers


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def ssha(pw, salt=b"certdir!"):
    return "{SSHA}" + base64.b64encode(hashlib.sha1(pw.encode() + salt).digest() + salt).decode()


USERPW_HASH = ssha(USERPW)

KU_NAMES = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
            "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")


def key_usage(*names):
    return x509.KeyUsage(**{n: (n in names) for n in KU_NAMES})


KU_RSA_ENC = key_usage("digital_signature", "key_encipherment")
KU_EC_ENC = key_usage("digital_signature", "key_agreement")
KU_EC_KA_ONLY = key_usage("key_agreement")
KU_SIGN = key_usage("digital_signature", "content_commitment")   # content_commitment = nonRepudiation
KU_KEYENC_ONLY = key_usage("key_encipherment")
EKU_EMAIL = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION])
EKU_SERVER = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH])


def new_rsa(bits=2048):
    return rsa.generate_private_key(65537, bits)


def new_ec():
    return ec.generate_private_key(ec.SECP256R1())


def pem_key(k):
    return k.private_bytes(PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def write(path, data, mode=0o644):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


# ---- minimal DER (tag-length-value) handling, single-byte tags only ----

def tlv_read(b, off):
    """Return (tag, content_start, end) of the TLV at b[off:]."""
    tag = b[off]
    if tag & 0x1F == 0x1F:
        raise ValueError("multi-byte tags not supported")
    n = b[off + 1]
    p = off + 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0:
            raise ValueError("indefinite length not supported")
        n = int.from_bytes(b[p:p + k], "big")
        p += k
    if p + n > len(b):
        raise ValueError("truncated DER")
    return tag, p, p + n


def tlv_children(b):
    """Split concatenated TLVs into a list of (tag, whole_tlv_bytes)."""
    out, off = [], 0
    while off < len(b):
        tag, _, end = tlv_read(b, off)
        out.append((tag, b[off:end]))
        off = end
    return out


def tlv(tag, content):
    n = len(content)
    if n < 0x80:
        ln = bytes([n])
    else:
        nb = n.to_bytes((n.bit_length() + 7) // 8, "big")
        ln = bytes([0x80 | len(nb)]) + nb
    return bytes([tag]) + ln + content


def content_of(t):
    _, s, e = tlv_read(t, 0)
    return t[s:e]


def p7_put_first(p7_der, first_der):
    """Reorder the certificates [0] of a DER ContentInfo/SignedData so first_der comes first.

    DER sorts SET OF, and cryptography does, so the library never keeps our order; real
    directories (Outlook, CAs' exports) often hold the CA first. The certificates field is not
    covered by any signature, so reordering keeps a signed-data PKCS#7 valid.
    """
    (ci_tag, ci), = tlv_children(p7_der)
    oid, explicit0 = tlv_children(content_of(ci))
    (sd_tag, sd), = tlv_children(content_of(explicit0[1]))
    parts = tlv_children(content_of(sd))
    out = []
    for tag, t in parts:
        if tag == 0xA0:   # certificates [0] IMPLICIT SET OF CertificateChoices
            certs = [c for _, c in tlv_children(content_of(t))]
            certs.sort(key=lambda c: 0 if c == first_der else 1)   # stable
            t = tlv(0xA0, b"".join(certs))
        out.append(t)
    sd = tlv(sd_tag, b"".join(out))
    return tlv(ci_tag, oid[1] + tlv(explicit0[0], sd))


ALG_ECDSA_SHA256 = bytes.fromhex("300a06082a8648ce3d040302")
ALG_ECDSA_SHA1 = bytes.fromhex("300906072a8648ce3d0401")


def resign_sha1(cert_der, issuer_key):
    """Return cert_der re-signed with ecdsa-with-SHA1 by issuer_key (an EC key).

    cryptography refuses SHA-1 in CertificateBuilder.sign(), but its low-level sign() still
    accepts SHA-1, so swap the AlgorithmIdentifier in the TBS and sign the TBS ourselves.
    """
    (_, cert), = tlv_children(cert_der)
    (tbs_tag, tbs), (_, alg), _ = tlv_children(content_of(cert))
    if alg != ALG_ECDSA_SHA256:
        raise ValueError("expected an ecdsa-with-SHA256 certificate")
    fields = [t for _, t in tlv_children(content_of(tbs))]
    i = fields.index(ALG_ECDSA_SHA256)   # TBSCertificate.signature
    fields[i] = ALG_ECDSA_SHA1
    new_tbs = tlv(tbs_tag, b"".join(fields))
    sig = issuer_key.sign(new_tbs, ec.ECDSA(hashes.SHA1()))
    return tlv(0x30, new_tbs + ALG_ECDSA_SHA1 + tlv(0x03, b"\x00" + sig))


# ---- LDIF ----

def fold(line):
    """RFC 2849 line folding at 76 columns."""
    if len(line) <= 76:
        return line + "\n"
    parts = [line[:76]] + [line[i:i + 75] for i in range(76, len(line), 75)]
    return "\n ".join(parts) + "\n"


def ldif_attr(attr, value):
    """One attribute line; base64 unless value is an RFC 2849 SAFE-STRING (bytes always base64)."""
    if isinstance(value, bytes):
        return fold(f"{attr}:: " + base64.b64encode(value).decode())
    safe = (value.isascii() and "\n" not in value and "\r" not in value and "\0" not in value
            and not value.startswith((" ", ":", "<")) and not value.endswith(" "))
    if safe:
        return fold(f"{attr}: {value}")
    return fold(f"{attr}:: " + base64.b64encode(value.encode()).decode())


# ---------------------------------------------------------------- the PKI

def name(*pairs):
    return x509.Name([x509.NameAttribute(oid, v) for oid, v in pairs])


class CA:
    def __init__(self, cert, key, cdp=None, ocsp=None):
        self.cert, self.key = cert, key
        self.der = cert.public_bytes(DER)
        self.aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key())
        # What the certificates this CA issues name: a CRL distribution point, an OCSP responder.
        self.cdp, self.ocsp = cdp, ocsp
        self.issued = []   # (serial, notAfter, subject) for the `openssl ca` index


def crl_url(cn):
    """A host-less LDAP URL (RFC 4516): the directory the client is configured for."""
    return f"ldap:///cn={cn},{PKI_BASE}?certificateRevocationList;binary"


def revocation_extensions(b, ca):
    if ca.cdp:
        b = b.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            [x509.UniformResourceIdentifier(ca.cdp)], None, None, None)]), critical=False)
    if ca.ocsp:
        b = b.add_extension(x509.AuthorityInformationAccess([x509.AccessDescription(
            x509.oid.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ca.ocsp))]),
            critical=False)
    return b


def make_ca(subject, key, issuer=None, path_len=None, cdp=None):
    pub = key.public_key()
    b = (x509.CertificateBuilder().subject_name(subject)
         .issuer_name(issuer.cert.subject if issuer else subject)
         .public_key(pub).serial_number(x509.random_serial_number())
         .not_valid_before(CA_VALIDITY[0]).not_valid_after(CA_VALIDITY[1])
         .add_extension(x509.BasicConstraints(ca=True, path_length=path_len), critical=True)
         .add_extension(key_usage("digital_signature", "key_cert_sign", "crl_sign"), critical=True)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False))
    if issuer:
        b = b.add_extension(issuer.aki, critical=False)
        b = revocation_extensions(b, issuer)
    return CA(b.sign(issuer.key if issuer else key, hashes.SHA256()), key, cdp=cdp)


def rfc822(addr):
    """RFC822Name, also for hostile local parts: cryptography's check (email.utils.parseaddr) takes
    "paren(x)@..." for a comment, and such addresses are exactly what the sample must carry."""
    try:
        return x509.RFC822Name(addr)
    except ValueError:
        return x509.RFC822Name._init_without_validation(addr)


def issue(ca, key, cn, san=(), ku=KU_RSA_ENC, eku=EKU_EMAIL, validity=VALID, subject_email=None,
          sha1=False):
    """Issue an end-entity cert; returns DER bytes."""
    pub = key.public_key()
    pairs = [(NameOID.ORGANIZATION_NAME, "Example Corp"), (NameOID.COMMON_NAME, cn)]
    if subject_email:
        pairs.append((NameOID.EMAIL_ADDRESS, subject_email))
    serial = x509.random_serial_number()
    ca.issued.append((serial, validity[1], name(*pairs)))
    b = (x509.CertificateBuilder().subject_name(name(*pairs)).issuer_name(ca.cert.subject)
         .public_key(pub).serial_number(serial)
         .not_valid_before(validity[0]).not_valid_after(validity[1])
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .add_extension(ku, critical=True))
    if eku is not None:
        b = b.add_extension(eku, critical=False)
    if san:
        b = b.add_extension(x509.SubjectAlternativeName([rfc822(a) for a in san]), critical=False)
    b = (b.add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
         .add_extension(ca.aki, critical=False))
    b = revocation_extensions(b, ca)
    der = b.sign(ca.key, hashes.SHA256()).public_bytes(DER)
    if sha1:
        der = resign_sha1(der, ca.key)
    return der


# ---------------------------------------------------------------- the people

class Sample:
    def __init__(self, out):
        self.out = out
        self.ldif = []
        self.people = []
        self.groups = []
        self.certs = []
        self.seen_uids = set()
        self.revoked = []   # DER certificates the intermediate revoked

    def save_ee(self, der, key):
        h = sha256(der)
        write(os.path.join(self.out, "keys", h + ".key"), pem_key(key), 0o600)
        write(os.path.join(self.out, "keys", h + ".crt"),
              x509.load_der_x509_certificate(der).public_bytes(PEM))
        return h

    def entry(self, uid, mail, cn, user_certs=(), smime=(), proxy=()):
        """Add one entry.

        user_certs: [(der, key, reasons)] for userCertificate;binary, in this order.
        smime: [(value_bytes, [(der, key_or_None, reasons, is_ca)])] for userSMIMECertificate;
               the inner list describes the certificates inside the value ([] = malformed value,
               listed with the value's own sha256).
        Returns the DN.
        """
        assert uid not in self.seen_uids, uid
        self.seen_uids.add(uid)
        dn = f"uid={uid},{BASE}"
        sn = cn.split()[-1]
        lines = [ldif_attr("dn", dn)]
        for oc in ("top", "person", "organizationalPerson", "inetOrgPerson"):
            lines.append(f"objectClass: {oc}\n")
        if proxy:
            lines.append("objectClass: certdirMailRecipient\n")
        lines += [ldif_attr("uid", uid), ldif_attr("cn", cn), ldif_attr("sn", sn),
                  ldif_attr("mail", mail), ldif_attr("userPassword", USERPW_HASH)]
        for p in proxy:
            lines.append(ldif_attr("proxyAddresses", p))
        for der, key, reasons in user_certs:
            lines.append(ldif_attr("userCertificate;binary", der))
            h = self.save_ee(der, key)
            self.certs.append({"sha256": h, "dn": dn, "attribute": "userCertificate",
                               "address": mail, "reasons": list(reasons), "ca": False,
                               "key": f"keys/{h}.key"})
        for value, inner in smime:
            lines.append(ldif_attr("userSMIMECertificate", value))
            if not inner:
                self.certs.append({"sha256": sha256(value), "dn": dn,
                                   "attribute": "userSMIMECertificate", "address": mail,
                                   "reasons": ["malformed-value"], "ca": False})
            for der, key, reasons, is_ca in inner:
                rec = {"sha256": sha256(der), "dn": dn, "attribute": "userSMIMECertificate",
                       "address": mail, "reasons": list(reasons), "ca": is_ca}
                if not is_ca:
                    rec["key"] = f"keys/{self.save_ee(der, key)}.key"
                self.certs.append(rec)
        self.ldif.append("".join(lines) + "\n")
        return dn

    def group(self, cn, object_class, members, addresses, status="ok", note=""):
        """A mail group entry (with the list address in mail) and its manifest record."""
        dn = f"cn={cn},{BASE}"
        attribute = "uniqueMember" if object_class == "groupOfUniqueNames" else "member"
        lines = [ldif_attr("dn", dn), "objectClass: top\n", f"objectClass: {object_class}\n",
                 "objectClass: certdirMailRecipient\n", ldif_attr("cn", cn),
                 ldif_attr("mail", f"{cn}@example.com")]
        lines += [ldif_attr(attribute, m) for m in members]
        self.ldif.append("".join(lines) + "\n")
        self.groups.append({"address": f"{cn}@example.com", "dn": dn, "objectClass": object_class,
                            "members": addresses, "status": status, "note": note})

    def person(self, address, status, query=None, der=None, dn=None, note="", **extra):
        rec = {"address": address, "query": query if query is not None else address,
               "status": status}
        if der is not None:
            rec["sha256"] = sha256(der)
        if dn is not None:
            rec["dn"] = dn
        rec.update(extra)
        rec["note"] = note
        self.people.append(rec)


def build(s, inter, untrusted):
    I = inter

    def enc_rsa(mail, cn, **kw):
        k = new_rsa()
        return issue(I, k, cn, san=[mail], **kw), k

    def enc_ec(mail, cn, ku=KU_EC_ENC, **kw):
        k = new_ec()
        return issue(I, k, cn, san=[mail], ku=ku, **kw), k

    # 1 alice
    der, k = enc_rsa("alice@example.com", "Alice Example")
    dn = s.entry("alice", "alice@example.com", "Alice Example", [(der, k, [])])
    s.person("alice@example.com", "ok", der=der, dn=dn, note="one RSA-2048 encryption cert")

    # 2 ec
    der, k = enc_ec("ec@example.com", "Eve Curve", ku=KU_EC_KA_ONLY)
    dn = s.entry("ec", "ec@example.com", "Eve Curve", [(der, k, [])])
    s.person("ec@example.com", "ok", der=der, dn=dn,
             note="one EC P-256 cert, KU keyAgreement only (OpenSSL's SMIME_ENCRYPT purpose rejects it)")

    # 3 dual: signing-only first, then encryption
    ks = new_rsa()
    sign = issue(I, ks, "Dual Keys (signing)", san=["dual@example.com"], ku=KU_SIGN)
    enc, ke = enc_rsa("dual@example.com", "Dual Keys (encryption)")
    dn = s.entry("dual", "dual@example.com", "Dual Keys", [(sign, ks, ["key-usage"]), (enc, ke, [])])
    s.person("dual@example.com", "ok", der=enc, dn=dn,
             note="signing-only cert (KU digitalSignature+nonRepudiation) listed first, then the encryption cert")

    # 4 renewed: expired first, then renewal with the same key
    k = new_rsa()
    old = issue(I, k, "Renee Renewed", san=["renewed@example.com"], validity=EXPIRED)
    new = issue(I, k, "Renee Renewed", san=["renewed@example.com"])
    dn = s.entry("renewed", "renewed@example.com", "Renee Renewed",
                 [(old, k, ["expired"]), (new, k, [])])
    s.person("renewed@example.com", "ok", der=new, dn=dn,
             note="expired cert listed first, then its renewal (same key)")

    # 5 p7only: certs-only PKCS#7, intermediate first
    der, k = enc_ec("p7only@example.com", "Pat Seven")
    p7 = pkcs7.serialize_certificates([x509.load_der_x509_certificate(der), I.cert], DER)
    p7 = p7_put_first(p7, I.der)
    dn = s.entry("p7only", "p7only@example.com", "Pat Seven",
                 smime=[(p7, [(I.der, None, ["ca-certificate"], True), (der, k, [], False)])])
    s.person("p7only@example.com", "ok", der=der, dn=dn,
             note="only userSMIMECertificate: certs-only PKCS#7 (degenerate SignedData), intermediate CA "
                  "first, then the user's cert")

    # 6 outlook: signed-data PKCS#7 signed by the user's key
    der, k = enc_rsa("outlook@example.com", "Olivia Outlook")
    p7 = (pkcs7.PKCS7SignatureBuilder().set_data(b"")
          .add_signer(x509.load_der_x509_certificate(der), k, hashes.SHA256())
          .add_certificate(I.cert)
          .sign(DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]))
    p7 = p7_put_first(p7, I.der)
    dn = s.entry("outlook", "outlook@example.com", "Olivia Outlook",
                 smime=[(p7, [(I.der, None, ["ca-certificate"], True), (der, k, [], False)])])
    s.person("outlook@example.com", "ok", der=der, dn=dn,
             note="only userSMIMECertificate: signed-data PKCS#7 like Outlook's (detached, empty content, "
                  "signed by the user's key with smimeCapabilities). cryptography DER-sorts the "
                  "certificates SET OF; the generator re-ordered the encoded field afterwards so the "
                  "intermediate comes first (not covered by the signature)")

    # 7 nocert
    dn = s.entry("nocert", "nocert@example.com", "Nora Nocert")
    s.person("nocert@example.com", "no-usable-certificate", note="entry without any certificate")

    # 8 mixed case
    mail = "Mixed.Case@Example.COM"
    der, k = enc_ec(mail, "Max Mixed")
    dn = s.entry("mixed.case", mail, "Max Mixed", [(der, k, [])])
    s.person(mail, "ok", query="mixed.case@example.com", der=der, dn=dn,
             note="mail and SAN written Mixed.Case@Example.COM; queried in lower case")

    # 9 primary with proxyAddresses
    der, k = enc_rsa("primary@example.com", "Primo Primary")
    dn = s.entry("primary", "primary@example.com", "Primo Primary", [(der, k, [])],
                 proxy=["SMTP:primary@example.com", "smtp:alias@example.com",
                        "SIP:sip.user@example.com"])
    s.person("primary@example.com", "ok", der=der, dn=dn,
             note="proxyAddresses SMTP:primary@, smtp:alias@, SIP:sip.user@; cert names primary@ only")
    s.person("alias@example.com", "ok", query="Alias@Example.com", der=der, dn=dn,
             note="found through proxyAddresses smtp:alias@example.com (case-insensitive); the cert "
                  "names primary@example.com, which is the entry's own mail")
    s.person("sip.user@example.com", "not-found", note="only a SIP: proxy address, not an smtp: one")

    # 10 legacy: no SAN, address in subject emailAddress
    k = new_rsa()
    der = issue(I, k, "Leo Legacy", san=(), subject_email="legacy@example.com")
    dn = s.entry("legacy", "legacy@example.com", "Leo Legacy", [(der, k, [])])
    s.person("legacy@example.com", "ok", der=der, dn=dn,
             note="no subjectAltName; address only in subject emailAddress: usable, but the resolver "
                  "should warn", warnings=["legacy-email-address"])

    # 11 mismatch
    k = new_ec()
    der = issue(I, k, "Mia Mismatch", san=["someone.else@example.org"], ku=KU_EC_ENC)
    dn = s.entry("mismatch", "mismatch@example.com", "Mia Mismatch", [(der, k, ["address-mismatch"])])
    s.person("mismatch@example.com", "no-usable-certificate", note="SAN names someone.else@example.org")

    # 12 weak RSA
    k = new_rsa(1024)
    der = issue(I, k, "Walt Weak", san=["weakrsa@example.com"])
    dn = s.entry("weakrsa", "weakrsa@example.com", "Walt Weak", [(der, k, ["weak-key"])])
    s.person("weakrsa@example.com", "no-usable-certificate", note="RSA-1024 key")

    # 13 SHA-1 signature
    k = new_rsa()
    der = issue(I, k, "Shane Shaone", san=["sha1@example.com"], sha1=True)
    dn = s.entry("sha1", "sha1@example.com", "Shane Shaone", [(der, k, ["weak-signature"])])
    s.person("sha1@example.com", "no-usable-certificate",
             note="RSA-2048 cert signed ecdsa-with-SHA1 by the (EC) intermediate")

    # 14 untrusted issuer
    k = new_ec()
    der = issue(untrusted, k, "Ursula Untrusted", san=["untrusted@example.com"], ku=KU_EC_ENC)
    dn = s.entry("untrusted", "untrusted@example.com", "Ursula Untrusted", [(der, k, ["untrusted"])])
    s.person("untrusted@example.com", "no-usable-certificate",
             note="issued by pki/untrusted-root-ca.crt, which is not a trust anchor")

    # 15 twins: two entries, each with a fit cert
    cands = []
    for n in (1, 2):
        der, k = enc_ec("twins@example.com", f"Twin Number{n}")
        s.entry(f"twins{n}", "twins@example.com", f"Twin Number{n}", [(der, k, [])])
        cands.append(sha256(der))
    s.person("twins@example.com", "ambiguous", candidates=cands,
             note="two entries (uid twins1, twins2) with the same mail, each with its own fit cert")

    # 16 twinone: two entries, only one with a fit cert
    der, k = enc_ec("twinone@example.com", "Tina Twinone")
    dn = s.entry("twinone1", "twinone@example.com", "Tina Twinone", [(der, k, [])])
    s.entry("twinone2", "twinone@example.com", "Tom Twinone")
    s.person("twinone@example.com", "ok", der=der, dn=dn,
             note="two entries with this mail; only uid=twinone1 has a (fit) cert")

    # 17 hostile local parts and decoys a naive filter would match
    for uid, mail, note in (
            ("star", "star*@example.com", "'*' in the local part; unescaped (mail=star*@example.com) "
                                         "also matches starlight@example.com"),
            ("paren", "paren(x)@example.com", "parentheses in the local part (filter must escape "
                                             "\\28 \\29)"),
            ("backslash", "back\\slash@example.com", "backslash in the local part (filter must "
                                                     "escape \\5c)"),
            ("starlight", "starlight@example.com", "decoy: matched by the unescaped filter "
                                                   "(mail=star*@example.com)"),
            ("malice", "malice@example.com", "decoy: a substring search for alice@ would match it")):
        der, k = enc_ec(mail, f"Hostile {uid.capitalize()}")
        dn = s.entry(uid, mail, f"Hostile {uid.capitalize()}", [(der, k, [])])
        s.person(mail, "ok", der=der, dn=dn, note=note)

    # 18 EC with keyEncipherment only
    der, k = enc_ec("ecbad@example.com", "Ed Ecbad", ku=KU_KEYENC_ONLY)
    dn = s.entry("ecbad", "ecbad@example.com", "Ed Ecbad", [(der, k, ["key-usage"])])
    s.person("ecbad@example.com", "no-usable-certificate",
             note="EC P-256 cert with KU keyEncipherment only (EC needs keyAgreement)")

    # 19 serverAuth only
    k = new_rsa()
    der = issue(I, k, "Sergio Serveronly", san=["serveronly@example.com"], eku=EKU_SERVER)
    dn = s.entry("serveronly", "serveronly@example.com", "Sergio Serveronly",
                 [(der, k, ["extended-key-usage"])])
    s.person("serveronly@example.com", "no-usable-certificate", note="RSA cert with EKU serverAuth only")

    # 20 not yet valid
    der, k = enc_ec("future@example.com", "Fiona Future", validity=NOT_YET)
    dn = s.entry("future", "future@example.com", "Fiona Future", [(der, k, ["not-yet-valid"])])
    s.person("future@example.com", "no-usable-certificate",
             note="only a cert valid from now+30d to now+400d")

    # 21 expired only
    der, k = enc_ec("expiredonly@example.com", "Ezra Expired", validity=EXPIRED)
    dn = s.entry("expiredonly", "expiredonly@example.com", "Ezra Expired", [(der, k, ["expired"])])
    s.person("expiredonly@example.com", "no-usable-certificate",
             note="only a cert that expired 30 days ago")

    # 22 garbage: junk userSMIMECertificate + a good userCertificate. slapd does not validate
    # the Binary syntax of userSMIMECertificate, so any bytes load.
    junk = b"certdir test junk: this is not DER \x00\x01\xfe\xff"
    der, k = enc_rsa("garbage@example.com", "Gary Garbage")
    dn = s.entry("garbage", "garbage@example.com", "Gary Garbage", [(der, k, [])],
                 smime=[(junk, [])])
    s.person("garbage@example.com", "ok", der=der, dn=dn,
             note="userSMIMECertificate holds junk bytes (not DER) and userCertificate;binary a good cert")

    # 23 nobody
    s.person("nobody@example.com", "not-found", note="no entry at all")

    # 24 revoked: listed on the intermediate's CRL and revoked at the OCSP responder
    der, k = enc_ec("revoked@example.com", "Rita Revoked")
    dn = s.entry("revoked", "revoked@example.com", "Rita Revoked", [(der, k, ["revoked"])])
    s.revoked.append(der)
    s.person("revoked@example.com", "no-usable-certificate",
             note="its only certificate is revoked (CRL in the directory, OCSP responder)")

    # Mail groups (distribution lists), expanded by encrypt and resolve --expand-groups.
    person = lambda uid: f"uid={uid},{BASE}"
    group = lambda cn: f"cn={cn},{BASE}"
    s.group("team", "groupOfNames", [person("alice"), person("ec"), group("subteam")],
            ["alice@example.com", "ec@example.com", "dual@example.com", "outlook@example.com"],
            note="nested: subteam is a member, and subteam lists team again (a loop)")
    s.group("subteam", "groupOfNames", [person("dual"), person("outlook"), group("team")],
            ["dual@example.com", "outlook@example.com", "alice@example.com", "ec@example.com"],
            note="member of team, and lists team back (a loop)")
    s.group("broken-list", "groupOfNames", [person("alice"), person("nocert")],
            ["alice@example.com", "nocert@example.com"], status="member-without-certificate",
            note="nocert has no certificate: encrypting to the list fails closed")
    s.group("unique-list", "groupOfUniqueNames", [person("ec") + "#'0101'B", person("p7only")],
            ["ec@example.com", "p7only@example.com"], note="groupOfUniqueNames, one uniqueMember with a UID")


# ---------------------------------------------------------------- revocation data

def make_crl(ca, revoked_serials):
    b = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject)
         .last_update(CRL_VALIDITY[0]).next_update(CRL_VALIDITY[1])
         .add_extension(ca.aki, critical=False)
         .add_extension(x509.CRLNumber(1), critical=False))
    for serial in revoked_serials:
        b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(serial)
                                      .revocation_date(CRL_VALIDITY[0]).build())
    return b.sign(ca.key, hashes.SHA256()).public_bytes(DER)


def openssl_subject(n):
    return "".join("/" + a.rfc4514_string().replace("/", "\\/") for a in n)


def publish_revocation(s, out, root, inter, ocsp_url, ocsp_port):
    """The CRLs (files and pkiCA entries under ou=pki, first in people.ldif) and the `openssl ca`
    index that scripts/ocsp-responder.py answers from."""
    revoked = {x509.load_der_x509_certificate(d).serial_number for d in s.revoked}
    crls = {"root-ca": make_crl(root, []), "intermediate-ca": make_crl(inter, sorted(revoked))}
    entries = [ldif_attr("dn", PKI_BASE) + "objectClass: organizationalUnit\nou: pki\n\n"]
    for cn, ca in (("root-ca", root), ("intermediate-ca", inter)):
        write(os.path.join(out, "pki", cn + ".crl"), crls[cn])
        entries.append(ldif_attr("dn", f"cn={cn},{PKI_BASE}")
                       + "objectClass: applicationProcess\nobjectClass: pkiCA\n" + ldif_attr("cn", cn)
                       + ldif_attr("cACertificate;binary", ca.der)
                       + ldif_attr("certificateRevocationList;binary", crls[cn]) + "\n")
    s.ldif[:0] = entries
    utc = lambda t: t.strftime("%y%m%d%H%M%SZ")
    lines = []
    for serial, not_after, subject in inter.issued:
        hexserial = f"{serial:X}"
        hexserial = ("0" + hexserial) if len(hexserial) % 2 else hexserial
        state, when = ("R", utc(CRL_VALIDITY[0])) if serial in revoked else ("V", "")
        lines.append(f"{state}\t{utc(not_after)}\t{when}\t{hexserial}\tunknown\t{openssl_subject(subject)}\n")
    write(os.path.join(out, "pki", "index.txt"), "".join(lines).encode())
    # Renewals share a subject name; openssl's default (unique_subject = yes) would refuse the index.
    write(os.path.join(out, "pki", "index.txt.attr"), b"unique_subject = no\n")
    return {"ocspURL": ocsp_url, "ocspPort": ocsp_port,
            "crls": {"root": "pki/root-ca.crl", "intermediate": "pki/intermediate-ca.crl"},
            "index": "pki/index.txt", "revoked": [sha256(d) for d in s.revoked]}


# ---------------------------------------------------------------- mailbox identity (issue 16)
# People whose addresses take the internationalised forms: an EAI (RFC 6531) mailbox held only
# in proxyAddresses (OpenLDAP's mail is IA5, RFC 4524) and named by an SmtpUTF8Mailbox otherName
# (RFC 9598), and IDN people stored in one spelling and asked for in the other.

ID_ON_SMTP_UTF8_MAILBOX = x509.ObjectIdentifier("1.3.6.1.5.5.7.8.9")


def utf8_mailbox(address):
    """SmtpUTF8Mailbox otherName: the value is a DER UTF8String."""
    return x509.OtherName(ID_ON_SMTP_UTF8_MAILBOX, tlv(0x0C, address.encode()))


def without_mail(s, dn, placeholder, address):
    """Drop the mail line entry() wrote (the person has none) and file the certificates under address."""
    s.ldif[-1] = s.ldif[-1].replace(ldif_attr("mail", placeholder), "")
    for rec in s.certs:
        if rec["dn"] == dn:
            rec["address"] = address


def build_identity(s, inter):
    # EAI: no mail (IA5 cannot hold it); proxyAddresses SMTP:jörg@example.com; the certificate
    # names the mailbox only as SmtpUTF8Mailbox, and a decoy subject emailAddress that must not count.
    k = new_ec()
    b = (x509.CertificateBuilder()
         .subject_name(name((NameOID.ORGANIZATION_NAME, "Example Corp"), (NameOID.COMMON_NAME, "Jörg Eai"),
                            (NameOID.EMAIL_ADDRESS, "decoy@example.com")))
         .issuer_name(inter.cert.subject).public_key(k.public_key())
         .serial_number(x509.random_serial_number()).not_valid_before(VALID[0]).not_valid_after(VALID[1])
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .add_extension(KU_EC_ENC, critical=True).add_extension(EKU_EMAIL, critical=False)
         .add_extension(x509.SubjectAlternativeName([utf8_mailbox("jörg@example.com")]), critical=False)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(k.public_key()), critical=False)
         .add_extension(inter.aki, critical=False))
    der = b.sign(inter.key, hashes.SHA256()).public_bytes(DER)
    dn = s.entry("eai", "eai-placeholder@example.com", "Jörg Eai", [(der, k, [])],
                 proxy=["SMTP:jörg@example.com"])
    without_mail(s, dn, "eai-placeholder@example.com", "jörg@example.com")
    s.person("jörg@example.com", "ok", der=der, dn=dn,
             note="EAI: no mail; proxyAddresses SMTP:jörg@example.com; the certificate names it only as "
                  "SmtpUTF8Mailbox (RFC 9598), beside a subject emailAddress decoy@ that must not count; "
                  "the search's UTF-8 term on the IA5 mail must not fail the lookup")
    s.person("JÖRG@example.com", "no-usable-certificate",
             note="the directory's caseIgnoreMatch on proxyAddresses finds the entry, but a certificate "
                  "names a mailbox octet for octet (ASCII letters aside): jörg@ is not JÖRG@")
    s.person("decoy@example.com", "not-found", note="only in the EAI certificate's subject emailAddress")

    # IDN, stored as the A-label in mail (IA5), certificate rfc822Name with the A-label; asked both ways.
    k = new_ec()
    der = issue(inter, k, "Anna Idn", san=["anna@xn--bcher-kva.example"], ku=KU_EC_ENC)
    dn = s.entry("anna.idn", "anna@xn--bcher-kva.example", "Anna Idn", [(der, k, [])])
    s.person("anna@bücher.example", "ok", der=der, dn=dn,
             note="asked with the U-label; mail and rfc822Name hold the A-label xn--bcher-kva")
    s.person("anna@xn--bcher-kva.example", "ok", der=der, dn=dn, note="asked with the A-label")
    s.person("anna@bucher.example", "not-found", note="bucher is another domain than bücher")

    # IDN, stored only as the U-label (proxyAddresses is a Directory String); asked with the A-label.
    k = new_ec()
    der = issue(inter, k, "Bernd Idn", san=["bernd@xn--bcher-kva.example"], ku=KU_EC_ENC)
    dn = s.entry("bernd.idn", "bernd-placeholder@example.com", "Bernd Idn", [(der, k, [])],
                 proxy=["SMTP:bernd@bücher.example"])
    without_mail(s, dn, "bernd-placeholder@example.com", "bernd@bücher.example")
    s.person("bernd@xn--bcher-kva.example", "ok", der=der, dn=dn,
             note="asked with the A-label; the directory holds only SMTP:bernd@bücher.example")
    s.person("bernd@BÜCHER.example", "ok", der=der, dn=dn, note="upper-case U-label")

    # ß is not ss (non-transitional UTS #46): a person at strasse.example, asked at straße.example.
    k = new_ec()
    der = issue(inter, k, "Sam Strasse", san=["sam@strasse.example"], ku=KU_EC_ENC)
    dn = s.entry("sam.strasse", "sam@strasse.example", "Sam Strasse", [(der, k, [])])
    s.person("sam@strasse.example", "ok", der=der, dn=dn, note="ASCII domain strasse.example")
    s.person("sam@straße.example", "not-found",
             note="straße.example is xn--strae-oqa.example, never strasse.example (no transitional mapping)")


# ---------------------------------------------------------------- several mail values (issue 16)
# RFC 4524 mail is multi-valued; equality matches any value.


def add_mail(s, first, *more):
    """Add more mail values after the one entry() wrote."""
    s.ldif[-1] = s.ldif[-1].replace(ldif_attr("mail", first), ldif_attr("mail", first)
                                    + "".join(ldif_attr("mail", m) for m in more), 1)


def build_several_mail(s, inter):
    # One certificate per address; the second one is newer, and must still not answer for the first.
    k1, k2 = new_ec(), new_ec()
    first = issue(inter, k1, "Tina Twomail", san=["tina.first@example.com"], ku=KU_EC_ENC,
                  validity=(VALID[0] - 10 * DAY, VALID[1]))
    second = issue(inter, k2, "Tina Twomail", san=["tina.second@example.com"], ku=KU_EC_ENC)
    dn = s.entry("twomail", "tina.first@example.com", "Tina Twomail", [(first, k1, []), (second, k2, [])])
    add_mail(s, "tina.first@example.com", "tina.second@example.com")
    s.person("tina.first@example.com", "ok", der=first, dn=dn,
             note="mail tina.first@ and tina.second@, one certificate each; the newer one names second@ only: "
                  "the certificate naming the asked address wins")
    s.person("tina.second@example.com", "ok", der=second, dn=dn,
             note="the second mail value; its own certificate answers")
    # Only one certificate, naming the first mail value; asked by the second: accepted with a note.
    k = new_ec()
    der = issue(inter, k, "Olga Othermail", san=["olga@example.com"], ku=KU_EC_ENC)
    dn = s.entry("othermail", "olga@example.com", "Olga Othermail", [(der, k, [])])
    add_mail(s, "olga@example.com", "olga.o@example.com")
    s.person("olga.o@example.com", "ok", der=der, dn=dn, warnings=["other-mail-value"],
             note="second mail value; the only certificate names the first (olga@): accepted with "
                  "other-mail-value, refused under --strict-local-part")


# ---------------------------------------------------------------- bulk

_BULK = {}


def _bulk_init(inter_der, inter_key_pem, pool_pems, digits, prefix):
    inter = x509.load_der_x509_certificate(inter_der)
    key = serialization.load_pem_private_key(inter_key_pem, None)
    _BULK.update(ca=CA(inter, key, cdp=crl_url("intermediate-ca")), pool=[serialization.load_pem_private_key(p, None)
                                          for p in pool_pems],
                 digits=digits, prefix=prefix)


def _bulk_chunk(rng):
    ca, pool, digits, prefix = _BULK["ca"], _BULK["pool"], _BULK["digits"], _BULK["prefix"]
    out = []
    for i in range(rng[0], rng[1]):
        uid = f"{prefix}{i:0{digits}d}"
        mail = f"{uid}@example.com"
        der = issue(ca, pool[(i - 1) % len(pool)], f"Bulk {uid}", san=[mail], ku=KU_EC_ENC)
        out.append(f"dn: uid={uid},{BASE}\nobjectClass: top\nobjectClass: person\n"
                   f"objectClass: organizationalPerson\nobjectClass: inetOrgPerson\n"
                   f"uid: {uid}\ncn: Bulk {uid}\nsn: {uid}\nmail: {mail}\n"
                   f"userPassword: {USERPW_HASH}\n" + ldif_attr("userCertificate;binary", der) + "\n")
    return "".join(out)


def gen_bulk(out, inter, n, jobs):
    prefix, digits = "bulk", max(6, len(str(n)))
    pool = [new_ec() for _ in range(BULK_POOL)]
    pems = [pem_key(k) for k in pool]
    for j, p in enumerate(pems):
        write(os.path.join(out, "keys", f"bulk-pool-{j:02d}.key"), p, 0o600)
    ranges = [(a, min(a + BULK_CHUNK, n + 1)) for a in range(1, n + 1, BULK_CHUNK)]
    init = (inter.der, pem_key(inter.key), pems, digits, prefix)
    path = os.path.join(out, "bulk.ldif")
    with open(path + ".tmp", "w") as f:
        f.write(f"# {n} bulk people generated by gen-sample.py; children of {BASE}\n\n")
        if jobs > 1 and len(ranges) > 1:
            ctx = multiprocessing.get_context("fork")
            with ctx.Pool(jobs, initializer=_bulk_init, initargs=init) as p:
                for chunk in p.imap(_bulk_chunk, ranges):
                    f.write(chunk)
        else:
            _bulk_init(*init)
            for r in ranges:
                f.write(_bulk_chunk(r))
    os.replace(path + ".tmp", path)
    return {"count": n, "prefix": prefix, "digits": digits, "first": 1, "ldif": "bulk.ldif",
            "keyPool": "keys/bulk-pool-KK.key, KK = (i-1) % poolSize, two digits",
            "poolSize": BULK_POOL}


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description="Generate certdir's sample directory data.")
    ap.add_argument("outdir")
    ap.add_argument("--bulk", type=int, default=0, metavar="N",
                    help="also write N bulk people to OUTDIR/bulk.ldif")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2, metavar="J",
                    help="processes for --bulk (default: CPU count)")
    ap.add_argument("--ocsp-port", type=int, default=13390, metavar="P",
                    help="port of the OCSP responder on 127.0.0.1 named in the certificates (default 13390)")
    a = ap.parse_args()
    if a.bulk < 0:
        ap.error("--bulk must be >= 0")
    out = os.path.abspath(a.outdir)
    t0 = time.time()
    for d in ("", "pki", "keys"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    os.chmod(os.path.join(out, "keys"), 0o700)

    ocsp_url = f"http://127.0.0.1:{a.ocsp_port}/"
    root = make_ca(name((NameOID.COUNTRY_NAME, "US"), (NameOID.ORGANIZATION_NAME, "Example Corp"),
                        (NameOID.COMMON_NAME, "Example Corp Test Root CA")), new_rsa(),
                   cdp=crl_url("root-ca"))
    inter = make_ca(name((NameOID.COUNTRY_NAME, "US"), (NameOID.ORGANIZATION_NAME, "Example Corp"),
                         (NameOID.COMMON_NAME, "Example Corp Test S/MIME Intermediate CA")),
                    new_ec(), issuer=root, path_len=0, cdp=crl_url("intermediate-ca"))
    inter.ocsp = ocsp_url
    untrusted = make_ca(name((NameOID.COUNTRY_NAME, "US"), (NameOID.ORGANIZATION_NAME, "Nobody Trusts Us"),
                             (NameOID.COMMON_NAME, "Untrusted Test Root CA")), new_ec())
    for fn, ca in (("root-ca", root), ("intermediate-ca", inter), ("untrusted-root-ca", untrusted)):
        write(os.path.join(out, "pki", fn + ".crt"), ca.cert.public_bytes(PEM))
        write(os.path.join(out, "pki", fn + ".key"), pem_key(ca.key), 0o600)

    s = Sample(out)
    build(s, inter, untrusted)
    build_identity(s, inter)
    build_several_mail(s, inter)
    revocation = publish_revocation(s, out, root, inter, ocsp_url, a.ocsp_port)
    with open(os.path.join(out, "people.ldif.tmp"), "w") as f:
        f.write(f"# certdir sample people generated by gen-sample.py at {NOW.isoformat()}; "
                f"children of {BASE}\n\n")
        f.writelines(s.ldif)
    os.replace(os.path.join(out, "people.ldif.tmp"), os.path.join(out, "people.ldif"))

    manifest = {
        "generatedAt": NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "base": BASE,
        "trustAnchor": "pki/root-ca.crt",
        "intermediate": "pki/intermediate-ca.crt",
        "untrustedRoot": "pki/untrusted-root-ca.crt",
        "userPassword": USERPW,
        "people": s.people,
        "groups": s.groups,
        "certificates": s.certs,
        "revocation": revocation,
    }
    t1 = time.time()
    if a.bulk:
        manifest["bulk"] = gen_bulk(out, inter, a.bulk, max(1, a.jobs))
    elif os.path.exists(os.path.join(out, "bulk.ldif")):
        os.remove(os.path.join(out, "bulk.ldif"))   # stale: its CA is gone
    # manifest last: its presence means the directory is complete
    write(os.path.join(out, "manifest.json"), (json.dumps(manifest, indent=2) + "\n").encode())
    t2 = time.time()
    msg = f"gen-sample.py: {len(s.ldif)} entries, {len(s.certs)} certificate records in {t1 - t0:.2f} s"
    if a.bulk:
        msg += f"; {a.bulk} bulk people in {t2 - t1:.2f} s ({max(1, a.jobs)} processes)"
    print(msg + f" -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
