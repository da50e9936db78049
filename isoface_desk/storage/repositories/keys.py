"""Signing keys: a person's certificate and their private key wrapped with their password.

The rows are a working copy: what verify trusts is the sealed "key issued" event that
names each key's fingerprint, owner and certificate (storage.seals)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isoface_desk.storage.canonical import loads
from isoface_desk.storage.models import AuditEventRow, SigningKeyRow
from isoface_desk.storage.seals import KEY_ISSUED, SEAL, PublicKey, row_statement


@dataclass(frozen=True)
class StoredKey:
    id: int
    user_id: int
    fingerprint: str
    certificate_pem: bytes
    wrapped_key: bytes
    wrap: dict[str, Any]
    issued_at: dt.datetime
    retired_at: dt.datetime | None


def _to_key(row: SigningKeyRow) -> StoredKey:
    return StoredKey(
        id=row.id,
        user_id=row.user_id,
        fingerprint=row.fingerprint,
        certificate_pem=bytes(row.certificate_pem),
        wrapped_key=bytes(row.wrapped_key),
        wrap=dict(row.wrap),
        issued_at=row.issued_at,
        retired_at=row.retired_at,
    )


def add_key(
    session: Session,
    *,
    user_id: int,
    fingerprint: str,
    certificate_pem: bytes,
    wrapped_key: bytes,
    wrap: dict[str, Any],
    issued_at: dt.datetime,
) -> StoredKey:
    row = SigningKeyRow(
        user_id=user_id,
        fingerprint=fingerprint,
        certificate_pem=certificate_pem,
        wrapped_key=wrapped_key,
        wrap=wrap,
        issued_at=issued_at,
    )
    session.add(row)
    session.flush()
    return _to_key(row)


def active_key(session: Session, user_id: int) -> StoredKey | None:
    """The user's newest key not retired, or None."""
    row = session.scalars(
        select(SigningKeyRow)
        .where(SigningKeyRow.user_id == user_id, SigningKeyRow.retired_at.is_(None))
        .order_by(SigningKeyRow.id.desc())
        .limit(1)
    ).first()
    return _to_key(row) if row is not None else None


def any_key(session: Session) -> bool:
    return session.scalars(select(SigningKeyRow.id).limit(1)).first() is not None


def rewrap(session: Session, key_id: int, wrapped_key: bytes, wrap: dict[str, Any]) -> None:
    row = session.get(SigningKeyRow, key_id)
    if row is not None:
        row.wrapped_key = wrapped_key
        row.wrap = wrap
        session.flush()


def retire(session: Session, key_id: int, at: dt.datetime) -> None:
    row = session.get(SigningKeyRow, key_id)
    if row is not None and row.retired_at is None:
        row.retired_at = at
        session.flush()


def announced_certificates(session: Session) -> list[bytes]:
    """The certificates a signed PDF may be signed with, oldest first: each announced by a
    "key issued" event whose seal checks against the root or a key trusted before it (and
    the legacy clinic certificate the root's event carries). A key announced without an
    endorsement is left out. (Only verify checks the chain around them.)"""
    rows = session.execute(
        select(AuditEventRow).where(AuditEventRow.action == KEY_ISSUED).order_by(AuditEventRow.seq)
    ).scalars()
    trusted: dict[str, PublicKey] = {}
    found: list[bytes] = []
    for row in rows:
        pem = _endorsed(row, trusted)
        if pem is not None:
            found.append(pem)
    return found


def _endorsed(row: AuditEventRow, trusted: dict[str, PublicKey]) -> bytes | None:
    """The certificate(s) the event announces if its seal checks; it then joins `trusted`."""
    root = not trusted
    try:
        details = loads(row.details)
        public = PublicKey.from_pem(str(details["certificate"]))
        seal = details[SEAL]
        if root and details.get("root") is not True:
            return None
        signer = public if root else trusted[seal["key"]]
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    data = row_statement(row, details)
    if not signer.verifies(data, seal.get("sig")):
        return None
    trusted[public.fingerprint] = public
    pem = str(details["certificate"]).encode("ascii")
    legacy = details.get("legacy_certificate") if root else None
    return pem + legacy.encode("ascii") if isinstance(legacy, str) else pem
