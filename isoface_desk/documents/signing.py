"""PAdES signatures for printed records, offline, with the clinic's own certificate.

A clinic without a certificate from a CA gets a self-signed ECDSA P-256 one (signing is
about four times faster than RSA-2048 and the signatures are smaller). Validation trusts
that certificate as the root, fetches nothing, and requires the signature to cover the
whole file: one changed byte, or anything appended after signing, fails it.

pyHanko costs about 0.4 s to import, so it is imported inside the functions that need it.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from isoface_desk.errors import InputError

SIGNATURE_FIELD = "IsofaceRecord"
CERT_YEARS = 10


@dataclass(frozen=True)
class SignatureStatus:
    valid: bool  # intact, trusted and covering the whole file
    intact: bool  # the signed bytes hash to the signed digest
    signer_subject: str  # the signing certificate's subject, "" if unreadable
    reason: str  # why not valid, in plain words; "" when valid
    signed_at: dt.datetime | None = None


@dataclass(frozen=True, eq=False)
class ClinicSigner:
    """A loaded key and certificate, ready to sign. Build once, reuse (it is cached)."""

    signer: Any  # pyhanko.sign.signers.SimpleSigner
    cert_pem: bytes
    subject: str


def generate_clinic_certificate(clinic_name: str) -> tuple[bytes, bytes]:
    """A new self-signed ECDSA P-256 certificate in the clinic's name: (key PEM, cert PEM)."""
    return generate_certificate(clinic_name, clinic_name)


def generate_certificate(common_name: str, organization: str) -> tuple[bytes, bytes]:
    """A new self-signed ECDSA P-256 certificate: (key PEM, cert PEM), for a person (their
    name, the clinic as organisation) or the clinic itself.

    The key is PEM PKCS#8 without encryption; the services layer wraps it with its owner's
    password before anything is stored. The certificate is valid for ten years.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    if not common_name.strip() or not organization.strip():
        raise InputError("A certificate needs a name and the clinic's name.")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name.strip()[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization.strip()[:64]),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * CERT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)


@lru_cache(maxsize=4)
def load_pem_signer(key_pem: bytes, cert_pem: bytes) -> ClinicSigner:
    """A signer from PEM key and certificate (cached: loading costs more than signing)."""
    from pyhanko.keys import load_certs_from_pemder_data, load_private_key_from_pemder_data
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    try:
        key = load_private_key_from_pemder_data(key_pem, passphrase=None)
        certs = list(load_certs_from_pemder_data(cert_pem))
    except (ValueError, TypeError) as exc:
        raise InputError(f"The clinic key or certificate cannot be read: {exc}") from exc
    if not certs:
        raise InputError("The clinic certificate file holds no certificate.")
    registry = SimpleCertificateStore.from_certs(certs)  # type: ignore[no-untyped-call]
    signer = signers.SimpleSigner(signing_cert=certs[0], signing_key=key, cert_registry=registry)
    return ClinicSigner(signer, cert_pem, certs[0].subject.human_friendly)


@lru_cache(maxsize=4)
def load_pkcs12(data: bytes, passphrase: bytes | None) -> ClinicSigner:
    """A signer from a PKCS#12 (.p12/.pfx) file's bytes (cached)."""
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as exc:
        raise InputError("The PKCS#12 file cannot be opened (wrong passphrase?).") from exc
    if key is None or cert is None:
        raise InputError("The PKCS#12 file holds no key and certificate pair.")
    from cryptography.hazmat.primitives import serialization

    key_pem = key.private_bytes(
        Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    chain = b"".join(c.public_bytes(Encoding.PEM) for c in [cert, *extra])
    return load_pem_signer(key_pem, chain)


_sign_lock = threading.Lock()


def sign_pdf(
    pdf_bytes: bytes, signer: ClinicSigner, *, reason: str = "", location: str = ""
) -> bytes:
    """The PDF with an invisible PAdES B-B signature appended as an incremental update."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
    )
    out = io.BytesIO()
    with _sign_lock:  # pyHanko's signer objects are not documented as thread-safe
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
        signers.PdfSigner(meta, signer=signer.signer).sign_pdf(writer, output=out)
    return out.getvalue()


def validate_pdf(pdf_bytes: bytes, trusted_cert_pem: bytes) -> SignatureStatus:
    """Check the record signature offline, trusting only `trusted_cert_pem` as root."""
    try:
        return _validate(pdf_bytes, trusted_cert_pem)
    except Exception as exc:  # a damaged file must give a verdict, not a traceback
        return SignatureStatus(False, False, "", f"The file cannot be checked: {_why(exc)}")


def _why(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".strip().rstrip(":")


def _validate(pdf_bytes: bytes, trusted_cert_pem: bytes) -> SignatureStatus:
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
    sigs = reader.embedded_signatures
    if not sigs:
        return SignatureStatus(False, False, "", "The file carries no digital signature.")
    roots = list(load_certs_from_pemder_data(trusted_cert_pem))
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    status = validate_pdf_signature(sigs[-1], context)
    subject = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    reason = _failure(status, len(sigs))
    return SignatureStatus(
        valid=not reason,
        intact=bool(status.intact),
        signer_subject=subject,
        reason=reason,
        signed_at=status.signer_reported_dt,
    )


def _failure(status: Any, count: int) -> str:
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    checks: list[tuple[Callable[[], bool], str]] = [
        (lambda: count == 1, "The file carries more than one signature."),
        (lambda: bool(status.intact), "The file was modified after it was signed."),
        (lambda: bool(status.valid), "The signature does not match its certificate."),
        (lambda: bool(status.trusted), "The signer is not one of the clinic's certificates."),
        (
            lambda: status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
            "Content was added to the file after it was signed.",
        ),
    ]
    return next((message for ok, message in checks if not ok()), "")
