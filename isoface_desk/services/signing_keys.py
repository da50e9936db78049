"""The clinic's signing key and certificate: generated at setup or imported from PKCS#12.

Stored in the clinic row: `certificate_pem` holds only the public certificate chain (what
verify-pdf trusts and what may be shown or exported), `certificate_pkcs12` the key with
its chain as a PKCS#12 container without passphrase, so the app can sign unattended.
The key is therefore as safe as the database file: protect it with file permissions, and
use SQLCipher (issue 7) or PostgreSQL access control where that is not enough.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from isoface_desk.documents.signing import (
    ClinicSigner,
    generate_clinic_certificate,
    load_pkcs12,
)
from isoface_desk.errors import InputError
from isoface_desk.storage.handles import Session
from isoface_desk.storage.repositories import clinic as clinic_repo

_SIGNING_KEYS = (
    rsa.RSAPrivateKey,
    ec.EllipticCurvePrivateKey,
    ed25519.Ed25519PrivateKey,
    ed448.Ed448PrivateKey,
)


@dataclass(frozen=True)
class GenerateCertificate:
    """Make a new self-signed ECDSA P-256 certificate in the clinic's name."""


@dataclass(frozen=True)
class ImportPkcs12:
    """Use the key and certificate of a PKCS#12 (.p12 / .pfx) file."""

    data: bytes
    passphrase: str | None = None


CertificateChoice = GenerateCertificate | ImportPkcs12


@dataclass(frozen=True)
class KeyMaterial:
    cert_pem: bytes  # public chain, signer first
    pkcs12: bytes  # key + chain, no passphrase


def make_key_material(choice: CertificateChoice, clinic_name: str) -> KeyMaterial:
    if isinstance(choice, GenerateCertificate):
        key_pem, cert_pem = generate_clinic_certificate(clinic_name)
        generated = serialization.load_pem_private_key(key_pem, password=None)
        certs = x509.load_pem_x509_certificates(cert_pem)
        return _material(generated, certs[0], certs[1:])
    passphrase = choice.passphrase.encode("utf-8") if choice.passphrase else None
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(choice.data, passphrase)
    except ValueError as exc:
        raise InputError("The PKCS#12 file cannot be opened (wrong passphrase?).") from exc
    if key is None or cert is None:
        raise InputError("The PKCS#12 file holds no key and certificate pair.")
    return _material(key, cert, list(extra))


def _material(key: object, cert: x509.Certificate, extra: list[x509.Certificate]) -> KeyMaterial:
    if not isinstance(key, _SIGNING_KEYS):
        raise InputError("The key in the PKCS#12 file is of a kind that cannot sign PDFs.")
    chain = [cert, *extra]
    cert_pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain)
    data = pkcs12.serialize_key_and_certificates(
        b"isoface-clinic", key, cert, extra or None, serialization.NoEncryption()
    )
    load_pkcs12(data, None)  # fail now, not at the first signature, if pyHanko refuses it
    return KeyMaterial(cert_pem=cert_pem, pkcs12=data)


def store_key_material(session: Session, material: KeyMaterial) -> None:
    clinic_repo.set_certificate(session, pem=material.cert_pem, pkcs12=material.pkcs12)


def clinic_signer(session: Session) -> ClinicSigner | None:
    """The loaded clinic signer (cached by the documents layer), or None without a key."""
    stored = clinic_repo.get_certificate(session)
    if stored is None or stored.pkcs12 is None:
        return None
    return load_pkcs12(stored.pkcs12, None)
