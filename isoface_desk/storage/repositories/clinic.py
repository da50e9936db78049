"""The clinic's own details and settings (one row)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isoface_desk.errors import InputError, NotFound
from isoface_desk.storage.models import ClinicRow, utcnow

PAPER_SIZES = ("A4", "Letter")


@dataclass(frozen=True)
class ClinicData:
    name: str
    jurisdiction_profile: str
    address: str = ""
    phone: str = ""
    paper_size: str = "A4"
    lab_schedule_profile: str = "smpc"
    settings: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Clinic(ClinicData):
    id: int = 0
    updated_at: dt.datetime | None = None


def _to_clinic(row: ClinicRow) -> Clinic:
    return Clinic(
        id=row.id,
        name=row.name,
        jurisdiction_profile=row.jurisdiction_profile,
        address=row.address,
        phone=row.phone,
        paper_size=row.paper_size,
        lab_schedule_profile=row.lab_schedule_profile,
        settings=dict(row.settings),
        updated_at=row.updated_at,
    )


def _row(session: Session) -> ClinicRow | None:
    return session.scalars(select(ClinicRow).order_by(ClinicRow.id).limit(1)).first()


def get_clinic(session: Session) -> Clinic | None:
    """The clinic, or None before first-run setup."""
    row = _row(session)
    return _to_clinic(row) if row is not None else None


def save_clinic(session: Session, data: ClinicData) -> Clinic:
    """Create the clinic or replace its details (the certificate is kept)."""
    if data.paper_size not in PAPER_SIZES:
        raise InputError(f"Paper size must be one of {', '.join(PAPER_SIZES)}.")
    row = _row(session)
    if row is None:
        row = ClinicRow()
        session.add(row)
    row.name = data.name
    row.jurisdiction_profile = data.jurisdiction_profile
    row.address = data.address
    row.phone = data.phone
    row.paper_size = data.paper_size
    row.lab_schedule_profile = data.lab_schedule_profile
    row.settings = dict(data.settings)
    row.updated_at = utcnow()
    session.flush()
    return _to_clinic(row)


def update_settings(session: Session, **changes: Any) -> Clinic:
    """Merge `changes` into the clinic's settings JSON (e.g. idle_lock_minutes=10)."""
    row = _row(session)
    if row is None:
        raise NotFound("The clinic has not been set up yet.")
    row.settings = {**row.settings, **changes}
    row.updated_at = utcnow()
    session.flush()
    return _to_clinic(row)


def legacy_certificate(session: Session) -> bytes | None:
    """The certificate of a database from before per-person keys, until it is copied into
    the root key's event (services.signing_keys)."""
    row = _row(session)
    return bytes(row.certificate_pem) if row is not None and row.certificate_pem else None


def clear_legacy_certificate(session: Session) -> None:
    row = _row(session)
    if row is not None and row.certificate_pem is not None:
        row.certificate_pem = None
        session.flush()
