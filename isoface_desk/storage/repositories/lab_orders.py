"""Lab orders generated from schedules: deduplicated by a generated key, and never lost or
rewritten once printed. Status runs planned -> printed -> collected -> resulted (or
cancelled, for planned orders a course change made unnecessary)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from isoface_desk.errors import InputError, NotFound
from isoface_desk.storage.models import LabOrderRow, utcnow

STATUSES = ("planned", "printed", "collected", "resulted", "cancelled")
OPEN_STATUSES = ("planned", "printed", "collected")


@dataclass(frozen=True)
class OrderData:
    key: str
    patient_id: int
    tests: list[Any]
    due_from: dt.date
    due_until: dt.date
    course_id: int | None = None
    prescriber_id: int | None = None


@dataclass(frozen=True)
class LabOrder(OrderData):
    id: int = 0
    status: str = "planned"
    printed_at: dt.datetime | None = None
    collected_at: dt.datetime | None = None
    resulted_at: dt.datetime | None = None
    results: dict[str, Any] = field(default_factory=dict)
    abnormal: bool = False
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


def _to_order(row: LabOrderRow) -> LabOrder:
    return LabOrder(
        id=row.id,
        key=row.key,
        patient_id=row.patient_id,
        tests=list(row.tests),
        due_from=row.due_from,
        due_until=row.due_until,
        course_id=row.course_id,
        prescriber_id=row.prescriber_id,
        status=row.status,
        printed_at=row.printed_at,
        collected_at=row.collected_at,
        resulted_at=row.resulted_at,
        results=dict(row.results),
        abnormal=row.abnormal,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def upsert_orders(session: Session, orders: Sequence[OrderData]) -> list[LabOrder]:
    """Insert new orders; update the tests and window of existing *planned* ones with the
    same key; leave printed, collected, resulted and cancelled ones as they are."""
    keys = [order.key for order in orders]
    existing = (
        {
            row.key: row
            for row in session.scalars(select(LabOrderRow).where(LabOrderRow.key.in_(keys)))
        }
        if keys
        else {}
    )
    now = utcnow()
    result: list[LabOrderRow] = []
    for order in orders:
        row = existing.get(order.key)
        if row is None:
            row = LabOrderRow(
                key=order.key, status="planned", results={}, abnormal=False, created_at=now
            )
            session.add(row)
        elif row.status != "planned":
            result.append(row)
            continue
        row.patient_id = order.patient_id
        row.course_id = order.course_id
        row.prescriber_id = order.prescriber_id
        row.tests = list(order.tests)
        row.due_from = order.due_from
        row.due_until = order.due_until
        row.updated_at = now
        result.append(row)
    session.flush()
    return [_to_order(row) for row in result]


def cancel_planned_except(session: Session, course_id: int, keep_keys: Collection[str]) -> int:
    """Cancel the course's planned orders whose key is not in `keep_keys` (a regenerated
    schedule no longer needs them). Printed and later orders are never touched."""
    rows = session.scalars(
        select(LabOrderRow)
        .where(LabOrderRow.course_id == course_id)
        .where(LabOrderRow.status == "planned")
    )
    now = utcnow()
    cancelled = 0
    for row in rows:
        if row.key not in keep_keys:
            row.status = "cancelled"
            row.updated_at = now
            cancelled += 1
    session.flush()
    return cancelled


def get_order(session: Session, order_id: int) -> LabOrder:
    return _to_order(_row(session, order_id))


def _row(session: Session, order_id: int) -> LabOrderRow:
    row = session.get(LabOrderRow, order_id)
    if row is None:
        raise NotFound(f"Lab order {order_id} does not exist.")
    return row


def due_orders(
    session: Session,
    until: dt.date,
    *,
    statuses: Collection[str] = OPEN_STATUSES,
    patient_id: int | None = None,
    prescriber_id: int | None = None,
    limit: int = 10_000,
) -> list[LabOrder]:
    """Open orders whose window starts on or before `until`, earliest due first."""
    query = (
        select(LabOrderRow)
        .where(LabOrderRow.status.in_(list(statuses)))
        .where(LabOrderRow.due_from <= until)
        .order_by(LabOrderRow.due_from, LabOrderRow.id)
        .limit(limit)
    )
    if patient_id is not None:
        query = query.where(LabOrderRow.patient_id == patient_id)
    if prescriber_id is not None:
        query = query.where(LabOrderRow.prescriber_id == prescriber_id)
    return [_to_order(row) for row in session.scalars(query)]


def orders_for_patient(session: Session, patient_id: int) -> list[LabOrder]:
    query = (
        select(LabOrderRow)
        .where(LabOrderRow.patient_id == patient_id)
        .order_by(LabOrderRow.due_from, LabOrderRow.id)
    )
    return [_to_order(row) for row in session.scalars(query)]


def all_orders(session: Session, *, limit: int = 100_000) -> list[LabOrder]:
    """Every order (for exports), oldest first."""
    query = select(LabOrderRow).order_by(LabOrderRow.id).limit(limit)
    return [_to_order(row) for row in session.scalars(query)]


def _transition(
    session: Session, order_ids: Sequence[int], allowed_from: Collection[str], to: str
) -> list[LabOrder]:
    rows = [_row(session, order_id) for order_id in order_ids]
    bad = [row.id for row in rows if row.status not in allowed_from]
    if bad:
        raise InputError(f"Lab orders {bad} cannot be marked {to} from their current status.")
    now = utcnow()
    for row in rows:
        row.status = to
        row.updated_at = now
        if to == "printed":
            row.printed_at = now
        elif to == "collected":
            row.collected_at = now
    session.flush()
    return [_to_order(row) for row in rows]


def mark_printed(session: Session, order_ids: Sequence[int]) -> list[LabOrder]:
    """Planned (or already printed: a reprint) orders become printed, with the time."""
    return _transition(session, order_ids, ("planned", "printed"), "printed")


def mark_collected(session: Session, order_ids: Sequence[int]) -> list[LabOrder]:
    return _transition(session, order_ids, ("planned", "printed"), "collected")


def record_results(
    session: Session, order_id: int, results: dict[str, Any], *, abnormal: bool
) -> LabOrder:
    """Store results (per test: value, unit, upper limit, date...) and mark resulted."""
    row = _row(session, order_id)
    if row.status == "cancelled":
        raise InputError(f"Lab order {order_id} was cancelled; results cannot be added.")
    now = utcnow()
    row.results = dict(results)
    row.abnormal = abnormal
    row.status = "resulted"
    row.resulted_at = now
    row.updated_at = now
    session.flush()
    return _to_order(row)
