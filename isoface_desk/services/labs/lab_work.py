"""The nurses' lab work: the due list, regenerating every course's orders, and marking
samples collected, each one audited.

`LabWorkService.due_list(actor, today)` gives one `DueItem` per listed order with what the
list shows (patient, prescriber, tests, target date, window, group of domain/due_list.py,
the order's result grade and whether the patient's latest results are abnormal).
`regenerate_all(actor)` applies services/labs/orders.py `sync_course_orders` to every planned
or active course (idempotent; printed orders are never rewritten or dropped).
Printing, and marking printed exactly the orders a finished job delivered, is
services/labs/lab_printing.py (`LabPrintService.run_job`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from isoface_desk.domain.due_list import GROUP_KEYS, due_group, target_date
from isoface_desk.domain.lab_orders import order_code
from isoface_desk.domain.lab_results import Level, worst
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.context import Actor, ServiceBase
from isoface_desk.services.labs.lab_results import latest_by_test, result_lines
from isoface_desk.services.labs.orders import OrderSync, sync_course_orders
from isoface_desk.storage.audit import EventSpec, append_event, append_events
from isoface_desk.storage.repositories import courses as courses_repo
from isoface_desk.storage.repositories import lab_orders as orders_repo
from isoface_desk.storage.repositories import lab_queries
from isoface_desk.storage.repositories import patients as patients_repo
from isoface_desk.storage.repositories.lab_orders import LabOrder
from isoface_desk.storage.repositories.patients import Patient

__all__ = ["DueItem", "DueList", "LabWorkService", "occasion"]

RECENT_DAYS = 30
SYNC_STATUSES = ("planned", "active")
PRINTABLE = ("planned", "printed")  # a printed order may be printed again


def occasion(key: str) -> tuple[str, dt.date | None]:
    """(reason, due date) of a schedule order key, course:<id>:<reason>:<from>:<due>:<until>
    (services/labs/orders.py `order_key`); ("", None) for another key."""
    parts = key.split(":")
    if len(parts) < 6 or parts[0] != "course":
        return "", None
    try:
        return ":".join(parts[2:-3]), dt.date.fromisoformat(parts[-2])
    except ValueError:
        return "", None


@dataclass(frozen=True)
class DueItem:
    """One row of the due list."""

    order_id: int
    code: str  # the printed id (barcode), LO-000042
    group: str  # a key of domain/due_list.py GROUPS
    status: str
    patient_id: int
    patient_name: str
    clinic_number: str
    prescriber_id: int | None
    prescriber_name: str
    tests: tuple[str, ...]
    due: dt.date
    due_from: dt.date
    due_until: dt.date
    reason: str
    level: Level  # the grade of this order's results ("normal" without results)
    patient_alert: str  # the patient's latest abnormal results, "" if none

    @property
    def abnormal(self) -> bool:
        return self.level != "normal"


@dataclass(frozen=True)
class DueList:
    today: dt.date
    items: tuple[DueItem, ...]

    def in_group(self, group: str) -> list[DueItem]:
        return [item for item in self.items if item.group == group]

    def counts(self) -> dict[str, int]:
        return {key: len(self.in_group(key)) for key in GROUP_KEYS}


class LabWorkService(ServiceBase):
    def due_list(
        self,
        actor: Actor,
        today: dt.date | None = None,
        *,
        horizon_days: int = 30,
        audit: bool = False,
    ) -> DueList:
        """Orders to take up to `horizon_days` ahead, collected ones, and the results of the
        last 30 days (by the laboratory's date). With `audit`, the reading is an audit
        event (a list exported or printed)."""
        day = today or self.today()
        since = dt.datetime.combine(day - dt.timedelta(days=RECENT_DAYS), dt.time(), dt.UTC)
        with self._read(actor, Permission.ORDER_READ) as session:
            open_orders = orders_repo.due_orders(session, day + dt.timedelta(days=horizon_days))
            recent = [o for o in lab_queries.resulted_since(session, since)
                      if _result_date(o) >= since.date()]  # fmt: skip
            orders = open_orders + recent
            patients = patients_repo.get_patients(session, {o.patient_id for o in orders})
            history = lab_queries.resulted_for_patients(session, patients)
            names = lab_queries.prescriber_names(session)
        alerts = _patient_alerts(history, day)
        items = []
        for order in orders:
            item = _item(order, day, horizon_days, patients[order.patient_id], names, alerts)
            if item is not None:
                items.append(item)
        items.sort(key=lambda i: (GROUP_KEYS.index(i.group), i.due, i.order_id))
        if audit:
            with self._unit(actor, Permission.ORDER_READ) as session:
                details = {"on": day.isoformat(), "orders": len(items)}
                append_event(session, actor.username, "view", "due list", "", details)
        return DueList(day, tuple(items))

    def regenerate_all(self, actor: Actor) -> OrderSync:
        """Regenerate the orders of every planned or active course; one audit event."""
        with self._unit(actor, Permission.ORDER_WRITE) as session:
            courses = courses_repo.courses_with_status(session, *SYNC_STATUSES)
            syncs = [sync_course_orders(session, course.id) for course in courses]
            total = OrderSync(
                sum(s.created for s in syncs),
                sum(s.updated for s in syncs),
                sum(s.cancelled for s in syncs),
                sum(s.unchanged for s in syncs),
            )
            details = {"courses": len(courses), "created": total.created,
                       "updated": total.updated, "cancelled": total.cancelled}  # fmt: skip
            append_event(session, actor.username, "generate orders", "course", "", details)
            return total

    def mark_collected(self, actor: Actor, order_ids: Sequence[int]) -> int:
        """The samples of these orders were taken (planned or printed orders)."""
        with self._unit(actor, Permission.ORDER_WRITE) as session:
            orders = orders_repo.mark_collected(session, list(order_ids))
            append_events(session, (EventSpec(actor.username, "collect", "order", o.id, {})
                                    for o in orders))  # fmt: skip
            return len(orders)


def _result_date(order: LabOrder) -> dt.date:
    """The laboratory's date of an order's results (the latest), else when entered."""
    days = [line.entry.result_date for line in result_lines(order)]
    if days:
        return max(days)
    return order.resulted_at.date() if order.resulted_at else dt.date.min


def _patient_alerts(history: Sequence[LabOrder], today: dt.date) -> dict[int, str]:
    """Per patient, the latest results that are abnormal, as one line."""
    by_patient: dict[int, list[LabOrder]] = {}
    for order in history:
        by_patient.setdefault(order.patient_id, []).append(order)
    alerts = {}
    for patient_id, orders in by_patient.items():
        latest = latest_by_test([line for o in orders for line in result_lines(o)], today)
        bad = [line for line in latest.values() if line.abnormal]
        if bad:
            alerts[patient_id] = "; ".join(line.message or line.test for line in bad)
    return alerts


def _item(
    order: LabOrder,
    today: dt.date,
    horizon_days: int,
    patient: Patient,
    names: dict[int, tuple[str, str]],
    alerts: dict[int, str],
) -> DueItem | None:
    reason, due = occasion(order.key)
    due = target_date(order.due_from, order.due_until, due)
    group = due_group(order.status, due, order.due_until, today, horizon_days)
    if group is None:
        return None
    prescriber = names.get(order.prescriber_id) if order.prescriber_id else None
    return DueItem(
        order_id=order.id,
        code=order_code(order.id),
        group=group,
        status=order.status,
        patient_id=order.patient_id,
        patient_name=patient.full_name,
        clinic_number=patient.clinic_number,
        prescriber_id=order.prescriber_id,
        prescriber_name=prescriber[0] if prescriber else "",
        tests=tuple(str(t) for t in order.tests),
        due=due,
        due_from=order.due_from,
        due_until=order.due_until,
        reason=reason,
        level=worst([line.level for line in result_lines(order)]),
        patient_alert=alerts.get(order.patient_id, ""),
    )
