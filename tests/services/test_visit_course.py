"""Signing visits drives the treatment course: an initiation starts it (with its orders), a
follow-up at another dose changes the dose, the end-of-course visit completes it; a
prescriber can stop a course early with a reason. Each step is audited, and a refused step
stores nothing (the record, course and orders are one transaction)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from isoface_desk.errors import InputError
from isoface_desk.services.visits.visit_course import CoursePlan, strength_of
from isoface_desk.storage.db import read_scope
from isoface_desk.storage.models import AuditEventRow
from tests.services.conftest import (
    PASSWORD,
    VISIT_DAY,
    World,
    example_patient,
    patient_signature,
    visit,
)


def _events(w: World, target: str, target_id: int) -> list[tuple[str, dict[str, object]]]:
    with read_scope(w.services.engine) as session:
        rows = session.query(AuditEventRow).filter_by(target_kind=target, target_id=str(target_id))
        return [(r.action, json.loads(r.details)) for r in rows.order_by(AuditEventRow.seq)]


def _initiate(w: World, plan: CoursePlan | None = None) -> tuple[int, int]:
    pid = w.services.patients.create(w.first, example_patient()).id
    signed = w.services.records.sign_visit(
        w.first,
        pid,
        None,
        "initiation",
        visit(),
        {},
        patient_signature(),
        PASSWORD,
        course_plan=plan,
    )
    assert signed.course_id is not None
    return pid, signed.course_id


def test_signing_an_initiation_starts_the_course_with_its_plan(shared_world: World) -> None:
    w = shared_world
    pid, cid = _initiate(w, CoursePlan(months=4, lab_schedule="minimal"))
    (course,) = w.services.courses.for_patient(w.first, pid)
    assert (course.id, course.status, course.start_date) == (cid, "active", VISIT_DAY)
    assert (course.product, course.strength_mg, course.lab_schedule_profile) == (
        "Isoface 20 mg", 20.0, "minimal")  # fmt: skip
    assert course.details["planned_end_date"] == "2027-03-19"
    assert course.details["start_mg_per_day"] == visit()["dose"]["mg_per_day"]
    (record,) = w.services.records.for_patient(w.first, pid)
    assert record.course_id == cid
    orders = w.services.orders.for_patient(w.first, pid)
    assert orders, "the course's lab orders exist"
    assert all(o.due_until > VISIT_DAY for o in orders), "no baseline order: checked at signing"
    assert [a for a, _ in _events(w, "course", cid)] == ["course start"]


def test_a_second_initiation_while_the_course_runs_is_refused_and_stores_nothing(
    shared_world: World,
) -> None:
    w = shared_world
    pid, cid = _initiate(w)
    with pytest.raises(InputError, match=f"Course {cid} is already active"):
        w.services.records.sign_visit(w.first, pid, cid, "initiation", visit(), {},
                                      patient_signature(), PASSWORD)  # fmt: skip
    assert len(w.services.records.for_patient(w.first, pid)) == 1
    assert len(w.services.courses.for_patient(w.first, pid)) == 1


def test_a_follow_up_at_another_dose_changes_the_course_dose(shared_world: World) -> None:
    w = shared_world
    pid, cid = _initiate(w)
    day = VISIT_DAY + dt.timedelta(days=28)
    same = visit("follow-up", day, cumulative_mg=1120)
    w.services.records.sign_visit(w.first, pid, cid, "follow-up", same, {}, [], PASSWORD)
    (course,) = w.services.courses.for_patient(w.first, pid)
    assert course.details["dose_changes"] == []  # the same dose: no change
    raised = visit("follow-up", day + dt.timedelta(days=28), cumulative_mg=2240, mg_per_day=60)
    w.services.records.sign_visit(w.first, pid, cid, "follow-up", raised, {}, [], PASSWORD)
    (course,) = w.services.courses.for_patient(w.first, pid)
    when = (day + dt.timedelta(days=28)).isoformat()
    assert course.details["dose_changes"] == [{"date": when, "mg_per_day": 60}]
    assert ("course change", {"change": "dose", "mg_per_day": 60, "from": when}) in _events(
        w, "course", cid)  # fmt: skip


def test_the_end_of_course_visit_completes_the_course(shared_world: World) -> None:
    w = shared_world
    pid, cid = _initiate(w)
    day = VISIT_DAY + dt.timedelta(days=150)
    w.services.records.sign_visit(w.first, pid, cid, "end-of-course",
                                  visit("end-of-course", day), {}, [], PASSWORD)  # fmt: skip
    (course,) = w.services.courses.for_patient(w.first, pid)
    assert (course.status, course.end_date) == ("completed", day)
    with pytest.raises(InputError, match="needs an active treatment course"):
        w.services.records.sign_visit(w.first, pid, cid, "follow-up",
                                      visit("follow-up", day), {}, [], PASSWORD)  # fmt: skip


def test_stopping_early_needs_a_reason_which_is_kept_and_audited(shared_world: World) -> None:
    w = shared_world
    _pid, cid = _initiate(w)
    day = VISIT_DAY + dt.timedelta(days=40)
    with pytest.raises(InputError, match="needs a reason"):
        w.services.courses.end(w.first, cid, day, status="stopped", reason="  ")
    change = w.services.courses.end(w.first, cid, day, status="stopped", reason="Raised ALT")
    assert (change.course.status, change.course.details["end_reason"]) == ("stopped", "Raised ALT")
    assert _events(w, "course", cid)[-1] == (
        "course end",
        {"status": "stopped", "end_date": day.isoformat(), "reason": "Raised ALT"},
    )


def test_the_strength_is_read_from_the_product_name_and_the_plan_is_checked() -> None:
    assert (strength_of("Isoface 20 mg"), strength_of("Roaccutane 10mg caps")) == (20.0, 10.0)
    assert strength_of("Isoface 2,5 mg") == 2.5 and strength_of("Isoface") == 0.0
    assert CoursePlan.from_answers({"course_months": 8, "lab_schedule": "clinic"}) == CoursePlan(8)
    with pytest.raises(InputError, match="1 to 24 months"):
        CoursePlan(months=30)
