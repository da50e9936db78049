"""Seals: an audit event signed with a person's key, so that nobody holding only the
database file can write, edit or re-chain an event before it.

A seal is `details["seal"] = {"key": <certificate fingerprint>, "sig": <base64>}`, a
signature over the event's hash material without the seal itself: seq, time, actor,
action, target and the other details, and `prev_hash`, which links every earlier event.
So a sealed event fixes the whole chain before it: the "sign" event of every record, the
"key issued" event of every key (sealed by the key that endorses it; the first, the
clinic's root, by itself), and a sign-in.

Keys are certificates' public keys; the private keys stay wrapped with their owner's
password (services.signing_keys) and are never read here.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

from isoface_desk.storage.canonical import canonical_json

SEAL = "seal"
KEY_ISSUED = "key issued"
KEY_RETIRED = "key retired"
KEY_TARGET = "key"


class Sealer(Protocol):
    """An unlocked key: its certificate's fingerprint and a way to sign bytes."""

    @property
    def fingerprint(self) -> str: ...

    def sign(self, data: bytes) -> bytes: ...


def fingerprint_of(cert_pem: bytes | str) -> str:
    """SHA-256 of the first certificate's DER bytes, lower-case hex."""
    data = cert_pem.encode("ascii") if isinstance(cert_pem, str) else cert_pem
    cert = x509.load_pem_x509_certificates(data)[0]
    from cryptography.hazmat.primitives.serialization import Encoding

    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()


def event_material(
    *,
    seq: int,
    time: dt.datetime,
    actor: str,
    action: str,
    target_kind: str,
    target_id: str,
    details: Mapping[str, Any],
    prev_hash: str,
) -> dict[str, Any]:
    """An audit event as it is hashed (storage.audit.event_hash) and sealed."""
    return {
        "seq": seq,
        "time": time.astimezone(dt.UTC).isoformat(),
        "actor": actor,
        "action": action,
        "target_kind": target_kind,
        "target_id": target_id,
        "details": dict(details),
        "prev_hash": prev_hash,
    }


def statement(**fields: Any) -> bytes:
    """The bytes a seal signs: the event as hashed (`event_material`'s fields), minus the
    seal."""
    material = event_material(**fields)
    material["details"].pop(SEAL, None)
    return canonical_json(material)


def row_statement(row: Any, details: Mapping[str, Any]) -> bytes:
    """`statement` of a stored event row whose details were parsed as `details`."""
    return statement(
        seq=int(row.seq),
        time=row.time,
        actor=row.actor,
        action=row.action,
        target_kind=row.target_kind,
        target_id=row.target_id,
        details=details,
        prev_hash=row.prev_hash,
    )


def seal_value(sealer: Sealer, data: bytes) -> dict[str, str]:
    return {"key": sealer.fingerprint, "sig": base64.b64encode(sealer.sign(data)).decode("ascii")}


@dataclass(frozen=True)
class PublicKey:
    """A certificate's public key, loaded once, checking seals."""

    fingerprint: str
    key: Any

    @classmethod
    def from_pem(cls, cert_pem: bytes | str) -> PublicKey:
        data = cert_pem.encode("ascii") if isinstance(cert_pem, str) else cert_pem
        cert = x509.load_pem_x509_certificates(data)[0]
        return cls(fingerprint_of(data), cert.public_key())

    def verifies(self, data: bytes, sig_b64: object) -> bool:
        if not isinstance(sig_b64, str):
            return False
        try:
            sig = base64.b64decode(sig_b64, validate=True)
            verify_signature(self.key, data, sig)
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True


def sign_with(private_key: Any, data: bytes) -> bytes:
    """A signature by `private_key` (EC: ECDSA-SHA256; RSA: PKCS#1 v1.5 SHA-256; EdDSA)."""
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        return private_key.sign(data, ec.ECDSA(hashes.SHA256()))
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    if isinstance(private_key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return private_key.sign(data)
    raise ValueError("this kind of key cannot sign")


def verify_signature(public_key: Any, data: bytes, sig: bytes) -> None:
    """Raises InvalidSignature (or ValueError for a key that cannot sign)."""
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        public_key.verify(sig, data, ec.ECDSA(hashes.SHA256()))
    elif isinstance(public_key, rsa.RSAPublicKey):
        public_key.verify(sig, data, padding.PKCS1v15(), hashes.SHA256())
    elif isinstance(public_key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        public_key.verify(sig, data)
    else:
        raise ValueError("this kind of key cannot verify")
