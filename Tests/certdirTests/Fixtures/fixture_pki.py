"""Shared certificate and CRL builders of the revocation fixtures (revocation-pki.py, batch-pki.py):
names under dc=example,dc=com, CA and end-entity certificates, CRLs, all with the `cryptography` package."""
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "com"),
                      x509.NameAttribute(NameOID.DOMAIN_COMPONENT, "example"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def cert(subject, key, issuer, issuer_key, ca, serial, start, end, mail=None, cdp=None):
    """A CA (keyCertSign, cRLSign) or an S/MIME encryption certificate (keyEncipherment, emailProtection,
    rfc822Name `mail`), with a CRL distribution point `cdp` when given."""
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


def crl(issuer, key, start, end, revoked=()):
    """A DER CRL of `issuer` valid from `start` to `end`, listing the serial numbers `revoked`."""
    b = x509.CertificateRevocationListBuilder().issuer_name(issuer).last_update(start).next_update(end)
    for serial in revoked:
        b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(serial)
                                      .revocation_date(start).build())
    return b.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
