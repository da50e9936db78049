"""Read queries of the nurses' lab work that take many orders at once: a print job's
selection by id, the results of the last weeks, a patient's resulted orders, and the
prescribers an order list names. Status changes stay in repositories/lab_orders.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from isoface_desk.errors import NotFound
from isoface_desk.storage.models import LabOrderRow, UserRow
from isoface_desk.storage.repositories.lab_orders import LabOrder, _to_order

_CHUNK = 500  # ids per IN (...) list, well below every backend's parameter limit


def orders_by_ids(session: Session, order_ids: Collection[int]) -> list[LabOrder]:
    """The orders with these ids, in the order given; NotFound naming any missing one."""
    wanted = list(dict.fromkeys(order_ids))
    found: dict[int, LabOrder] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = session.scalars(select(LabOrderRow).where(LabOrderRow.id.in_(chunk)))
        found.update((row.id, _to_order(row)) for row in rows)
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFound(f"Lab order(s) {', '.join(map(str, missing[:10]))} do not exist.")
    return [found[i] for i in wanted]


def resulted_since(session: Session, since: dt.datetime, *, limit: int = 10_000) -> list[LabOrder]:
    """Orders resulted at or after `since`, newest first."""
    query = (
        select(LabOrderRow)
        .where(LabOrderRow.status == "resulted")
        .where(LabOrderRow.resulted_at >= since)
        .order_by(LabOrderRow.resulted_at.desc(), LabOrderRow.id.desc())
        .limit(limit)
    )
    return [_to_order(row) for row in session.scalars(query)]


def resulted_for_patients(session: Session, patient_ids: Iterable[int]) -> list[LabOrder]:
    """Every resulted order of these patients, oldest due first."""
    ids = sorted(set(patient_ids))
    out: list[LabOrder] = []
    for start in range(0, len(ids), _CHUNK):
        query = (
            select(LabOrderRow)
            .where(LabOrderRow.patient_id.in_(ids[start : start + _CHUNK]))
            .where(LabOrderRow.status == "resulted")
            .order_by(LabOrderRow.due_from, LabOrderRow.id)
        )
        out.extend(_to_order(row) for row in session.scalars(query))
    return out


def prescriber_names(session: Session) -> dict[int, tuple[str, str]]:
    """Every user's (display name, licence number), by id (a clinic has a few dozen)."""
    rows = session.execute(select(UserRow.id, UserRow.display_name, UserRow.licence_number))
    return {row.id: (row.display_name, row.licence_number) for row in rows}
