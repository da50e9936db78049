"""PAdES signing with the clinic certificate and offline validation."""

from __future__ import annotations

import io
import time
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    load_pem_private_key,
    pkcs12,
)
from pypdf import PdfReader

from isoface_desk.devtools.demo_documents import DEMO_NAMES
from isoface_desk.documents.signing import (
    generate_clinic_certificate,
    load_pem_signer,
    load_pkcs12,
    sign_pdf,
    validate_pdf,
)
from isoface_desk.errors import InputError
from tests.documents.pdftools import all_text, built

CLINIC = "Riverside Dermatology"


@pytest.fixture(scope="module")
def clinic_cert() -> tuple[bytes, bytes]:
    return generate_clinic_certificate(CLINIC)


@pytest.fixture(scope="module")
def signed(clinic_cert: tuple[bytes, bytes]) -> bytes:
    key, cert = clinic_cert
    return sign_pdf(
        built("initiation", DEMO_NAMES[0]), load_pem_signer(key, cert), reason="Visit record"
    )


def test_generated_certificate_is_self_signed_ecdsa_p256(clinic_cert: tuple[bytes, bytes]) -> None:
    key_pem, cert_pem = clinic_cert
    cert = x509.load_pem_x509_certificate(cert_pem)
    key = load_pem_private_key(key_pem, None)
    assert isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name == "secp256r1"
    assert cert.subject == cert.issuer
    assert CLINIC in cert.subject.rfc4514_string()
    assert cert.not_valid_after_utc - datetime.now(UTC) > timedelta(days=365 * 9)


def test_signed_pdf_validates_offline(signed: bytes, clinic_cert: tuple[bytes, bytes]) -> None:
    status = validate_pdf(signed, clinic_cert[1])
    assert status.valid and status.intact, status.reason
    assert CLINIC in status.signer_subject
    assert status.reason == ""
    assert status.signed_at is not None
    assert abs(status.signed_at - datetime.now(UTC)) < timedelta(minutes=5)


def test_signed_pdf_is_still_the_same_document(signed: bytes) -> None:
    original = built("initiation", DEMO_NAMES[0])
    assert signed.startswith(original)  # an incremental update: nothing rewritten
    assert all_text(signed) == all_text(original)
    assert len(PdfReader(io.BytesIO(signed)).pages) == len(PdfReader(io.BytesIO(original)).pages)


@pytest.mark.parametrize("where", [0.1, 0.5, 0.9])
def test_one_changed_byte_in_the_signed_range_fails(
    signed: bytes, clinic_cert: tuple[bytes, bytes], where: float
) -> None:
    original_length = len(built("initiation", DEMO_NAMES[0]))
    i = int(original_length * where)
    tampered = signed[:i] + bytes([signed[i] ^ 0x01]) + signed[i + 1 :]
    status = validate_pdf(tampered, clinic_cert[1])
    assert not status.valid
    assert status.reason


def test_appended_content_fails(signed: bytes, clinic_cert: tuple[bytes, bytes]) -> None:
    status = validate_pdf(signed + b"\n% appended after signing\n", clinic_cert[1])
    assert not status.valid and status.intact
    assert "added" in status.reason


def test_another_clinic_certificate_is_not_trusted(signed: bytes) -> None:
    _, other = generate_clinic_certificate("Another Clinic")
    status = validate_pdf(signed, other)
    assert not status.valid and status.intact
    assert "not one of the clinic" in status.reason


def test_unsigned_and_garbage_files_give_a_verdict(clinic_cert: tuple[bytes, bytes]) -> None:
    unsigned = validate_pdf(built("initiation", DEMO_NAMES[0]), clinic_cert[1])
    assert not unsigned.valid and "no digital signature" in unsigned.reason
    garbage = validate_pdf(b"not a pdf at all", clinic_cert[1])
    assert not garbage.valid and "cannot be checked" in garbage.reason


def test_pkcs12_loads_and_signs(clinic_cert: tuple[bytes, bytes]) -> None:
    key_pem, cert_pem = clinic_cert
    key = load_pem_private_key(key_pem, None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    p12 = pkcs12.serialize_key_and_certificates(
        b"clinic",
        key,
        x509.load_pem_x509_certificate(cert_pem),
        None,
        BestAvailableEncryption(b"s3cret"),
    )
    signer = load_pkcs12(p12, b"s3cret")
    assert load_pkcs12(p12, b"s3cret") is signer  # cached
    signed = sign_pdf(built("end-of-course", DEMO_NAMES[1]), signer)
    assert validate_pdf(signed, cert_pem).valid
    with pytest.raises(InputError):
        load_pkcs12(p12, b"wrong")


def test_signing_is_quick_once_the_key_is_loaded(clinic_cert: tuple[bytes, bytes]) -> None:
    key, cert = clinic_cert
    signer = load_pem_signer(key, cert)
    pdf = built("follow-up", DEMO_NAMES[2])
    sign_pdf(pdf, signer)  # warm-up
    start = time.perf_counter()
    for _ in range(3):
        sign_pdf(pdf, signer)
    per_signature = (time.perf_counter() - start) / 3
    assert per_signature < 0.5, f"{per_signature * 1000:.0f} ms per signature"
