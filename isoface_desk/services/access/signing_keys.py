"""Signing keys no file alone can use: one per person, wrapped with their password.

Each person gets an ECDSA P-256 key and a self-signed certificate in their name (the
setup's first administrator may instead bring the clinic's PKCS#12 from a CA, or get one
generated in the clinic's name: that key is the clinic's root). The private key is stored
encrypted (AES-256-GCM) under a key derived from the owner's password with argon2id, so
the database file, a backup or the workstation account give nobody a usable key.

A key is unlocked with its owner's password: at sign-in (kept in memory, per database,
for the session: it seals sign-ins, endorses the keys an administrator issues and signs
checkpoints) and again at each signature (the prescriber re-enters the password anyway).

Every key is announced by a "key issued" audit event carrying its certificate, sealed by
the administrator's key that endorses it (the root's by itself); verify trusts only keys
announced that way (storage.integrity). A reset by an administrator retires the old key
and issues a new one, so older records keep verifying with the retired certificate.
"""

from __future__ import annotations

import base64
import logging
import os
import weakref
from dataclasses import dataclass
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import pkcs12

from isoface_desk.documents.signing import ClinicSigner, generate_certificate, load_pem_signer
from isoface_desk.errors import InputError
from isoface_desk.services.access.passwords import (
    ARGON2_MEMORY_KIB,
    ARGON2_PARALLELISM,
    ARGON2_TIME_COST,
)
from isoface_desk.services.context import utc_now
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.handles import Engine, Session
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories import keys as keys_repo
from isoface_desk.storage.repositories.users import User
from isoface_desk.storage.seals import (
    KEY_ISSUED,
    KEY_RETIRED,
    KEY_TARGET,
    fingerprint_of,
    sign_with,
)

log = logging.getLogger("isoface.keys")

_SIGNING_KEYS = (
    rsa.RSAPrivateKey,
    ec.EllipticCurvePrivateKey,
    ed25519.Ed25519PrivateKey,
    ed448.Ed448PrivateKey,
)
WRAP_FORMAT = "argon2id+aes256gcm/1"
NO_KEY = (
    "Your account has no signing key yet. An administrator issues one by resetting "
    "your password (Administration › Users)."
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
    """A private key (in memory only) and its public certificate chain, signer first."""

    key: Any
    cert_pem: bytes


@dataclass(frozen=True, eq=False)
class UnlockedKey:
    """A person's key, unwrapped: it seals events and signs PDFs. Never stored as such."""

    user_id: int
    fingerprint: str
    cert_pem: bytes
    key: Any

    def sign(self, data: bytes) -> bytes:
        return sign_with(self.key, data)

    def pdf_signer(self) -> ClinicSigner:
        pem = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        return load_pem_signer(pem, self.cert_pem)


# ------------------------------------------------------------------ key material


def make_key_material(choice: CertificateChoice, clinic_name: str) -> KeyMaterial:
    """The root key of a new clinic: generated in its name, or from a PKCS#12 file."""
    if isinstance(choice, GenerateCertificate):
        return _generated(clinic_name, clinic_name)
    passphrase = choice.passphrase.encode("utf-8") if choice.passphrase else None
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(choice.data, passphrase)
    except ValueError as exc:
        raise InputError("The PKCS#12 file cannot be opened (wrong passphrase?).") from exc
    if key is None or cert is None:
        raise InputError("The PKCS#12 file holds no key and certificate pair.")
    if not isinstance(key, _SIGNING_KEYS):
        raise InputError("The key in the PKCS#12 file is of a kind that cannot sign PDFs.")
    chain = [cert, *extra]
    cert_pem = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain)
    material = KeyMaterial(key, cert_pem)
    UnlockedKey(0, fingerprint_of(cert_pem), cert_pem, key).pdf_signer()  # fail now
    return material


def person_key_material(display_name: str, clinic_name: str) -> KeyMaterial:
    """A new key and self-signed certificate in a person's name."""
    return _generated(display_name, clinic_name)


def _generated(common_name: str, organization: str) -> KeyMaterial:
    key_pem, cert_pem = generate_certificate(common_name, organization)
    return KeyMaterial(serialization.load_pem_private_key(key_pem, password=None), cert_pem)


# ------------------------------------------------------------------ wrapping


def _kek(password: str, salt: bytes, params: dict[str, Any]) -> bytes:
    try:
        secret = password.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError("The password holds characters that cannot be used.") from exc
    return hash_secret_raw(
        secret,
        salt,
        time_cost=int(params["t"]),
        memory_cost=int(params["m"]),
        parallelism=int(params["p"]),
        hash_len=32,
        type=Type.ID,
    )


def wrap_key(key: Any, password: str, fingerprint: str) -> tuple[bytes, dict[str, Any]]:
    """The private key encrypted under a key derived from `password`, and how."""
    salt, nonce = os.urandom(16), os.urandom(12)
    params: dict[str, Any] = {
        "format": WRAP_FORMAT,
        "t": ARGON2_TIME_COST,
        "m": ARGON2_MEMORY_KIB,
        "p": ARGON2_PARALLELISM,
        "salt": base64.b64encode(salt).decode("ascii"),
        "nonce": base64.b64encode(nonce).decode("ascii"),
    }
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    sealed = AESGCM(_kek(password, salt, params)).encrypt(nonce, der, fingerprint.encode())
    return sealed, params


def unwrap_key(stored: keys_repo.StoredKey, password: str) -> UnlockedKey | None:
    """The key unwrapped with `password`; None if the password does not open it."""
    params = stored.wrap
    try:
        salt = base64.b64decode(params["salt"])
        nonce = base64.b64decode(params["nonce"])
        kek = _kek(password, salt, params)
        der = AESGCM(kek).decrypt(nonce, stored.wrapped_key, stored.fingerprint.encode())
        key = serialization.load_der_private_key(der, password=None)
    except (InvalidTag, KeyError, ValueError, TypeError):
        return None
    return UnlockedKey(stored.user_id, stored.fingerprint, stored.certificate_pem, key)


# ------------------------------------------------------------------ issuing


def issue_key(
    session: Session,
    user: User,
    password: str,
    *,
    actor: str,
    endorser: UnlockedKey | None,
    material: KeyMaterial | None = None,
    clinic_name: str = "",
) -> UnlockedKey:
    """Give `user` a new key wrapped with `password`, announced by a "key issued" event
    sealed by `endorser` (an administrator's unlocked key). Without an endorser the key is
    the clinic's root: allowed only while the database holds no key at all. Any older
    key of the user is retired first."""
    if endorser is None and keys_repo.any_key(session):
        raise InputError(
            "Sign in again: your signing key must be unlocked to issue keys to others."
        )
    if material is None:
        material = person_key_material(user.display_name, clinic_name or user.display_name)
    fingerprint = fingerprint_of(material.cert_pem)
    retire_keys(session, user, actor=actor, sealer=endorser)
    wrapped, params = wrap_key(material.key, password, fingerprint)
    keys_repo.add_key(
        session,
        user_id=user.id,
        fingerprint=fingerprint,
        certificate_pem=material.cert_pem,
        wrapped_key=wrapped,
        wrap=params,
        issued_at=utc_now(),
    )
    unlocked = UnlockedKey(user.id, fingerprint, material.cert_pem, material.key)
    details: dict[str, Any] = {
        "user_id": user.id,
        "username": user.username,
        "fingerprint": fingerprint,
        "certificate": material.cert_pem.decode("ascii"),
        "root": endorser is None,
    }
    if endorser is None:
        legacy = clinic_repo.legacy_certificate(session)
        if legacy is not None:  # older PDFs keep verifying (migration 0003)
            details["legacy_certificate"] = legacy.decode("ascii")
            clinic_repo.clear_legacy_certificate(session)
    sealer = endorser if endorser is not None else unlocked
    append_event(session, actor, KEY_ISSUED, KEY_TARGET, fingerprint, details, sealer=sealer)
    log.info("signing key issued to user %d", user.id)
    return unlocked


def retire_keys(session: Session, user: User, *, actor: str, sealer: UnlockedKey | None) -> None:
    """Retire the user's active key (after a reset: the old password no longer opens it)."""
    while (stored := keys_repo.active_key(session, user.id)) is not None:
        keys_repo.retire(session, stored.id, utc_now())
        details = {"user_id": user.id, "fingerprint": stored.fingerprint}
        append_event(
            session, actor, KEY_RETIRED, KEY_TARGET, stored.fingerprint, details, sealer=sealer
        )


def unlock(session: Session, user_id: int, password: str) -> UnlockedKey | None:
    """The user's active key opened with `password`; None without a key or if it does not
    open (a password reset outside the app: ask for a reset)."""
    stored = keys_repo.active_key(session, user_id)
    return unwrap_key(stored, password) if stored is not None else None


def rewrap(session: Session, user_id: int, old_password: str, new_password: str) -> bool:
    """Wrap the user's key with a new password (their own change); False without a key."""
    stored = keys_repo.active_key(session, user_id)
    if stored is None:
        return False
    unlocked = unwrap_key(stored, old_password)
    if unlocked is None:
        return False
    wrapped, params = wrap_key(unlocked.key, new_password, stored.fingerprint)
    keys_repo.rewrap(session, stored.id, wrapped, params)
    return True


def require_key(session: Session, user_id: int, password: str) -> UnlockedKey:
    unlocked = unlock(session, user_id, password)
    if unlocked is None:
        raise InputError(NO_KEY)
    return unlocked


# ------------------------------------------------------------------ the session's keys

_KEYRINGS: weakref.WeakKeyDictionary[Engine, dict[int, UnlockedKey]] = weakref.WeakKeyDictionary()


def remember(engine: Engine, key: UnlockedKey) -> None:
    """Keep the key unlocked for this database while its owner is signed in."""
    _KEYRINGS.setdefault(engine, {})[key.user_id] = key


def unlocked_key(engine: Engine, user_id: int) -> UnlockedKey | None:
    return _KEYRINGS.get(engine, {}).get(user_id)


def any_unlocked_key(engine: Engine) -> UnlockedKey | None:
    """A key of someone signed in to this database (the daily backup's checkpoint)."""
    ring = _KEYRINGS.get(engine)
    return next(iter(ring.values()), None) if ring else None


def forget(engine: Engine, user_id: int | None = None) -> None:
    """Drop one user's unlocked key (sign-out, lock), or every key of the database."""
    ring = _KEYRINGS.get(engine)
    if ring is None:
        return
    if user_id is None:
        ring.clear()
    else:
        ring.pop(user_id, None)
