"""Courses and their lab orders: generation from the schedule, idempotent regeneration,
dose changes and early ends that never duplicate or drop printed orders."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

import pytest

from isoface_desk.domain.lab_schedule import add_months
from isoface_desk.errors import InputError
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.labs.lab_work import LabWorkService
from isoface_desk.services.labs.orders import LabOrder
from tests.services.conftest import World, change_dose, example_patient, print_orders

START_DAY = dt.date(2026, 6, 1)
START = CourseStart(start_date=START_DAY, product="Isoface 20 mg", strength_mg=20, mg_per_day=40)


def course(w: World, *, can_get_pregnant: bool = True, **changes: object) -> tuple[int, int]:
    patient = dataclasses.replace(example_patient(), can_get_pregnant=can_get_pregnant)
    pid = w.services.patients.create(w.first, patient).id
    started = w.services.courses.start(w.first, pid, dataclasses.replace(START, **changes))
    return pid, started.course.id


def orders(w: World, pid: int) -> list[LabOrder]:
    return w.services.orders.for_patient(w.actors["nurse"], pid)


def same(found: list[LabOrder]) -> list[LabOrder]:
    """Orders without their last-touched time (regenerating rewrites planned rows)."""
    return [dataclasses.replace(o, updated_at=None) for o in found]


def test_a_course_start_generates_its_schedule(shared_world: World) -> None:
    pid, _ = course(shared_world)
    made = orders(shared_world, pid)
    tests = Counter(t for o in made for t in o.tests)
    # smpc, six months, can get pregnant: a monthly pregnancy test and one after the end
    assert tests["HCG"] >= 7 and tests["ALT"] >= 3
    assert all(o.status == "planned" for o in made)
    assert min(o.due_from for o in made) <= START_DAY
    men = orders(shared_world, course(shared_world, can_get_pregnant=False)[0])
    assert not any("HCG" in o.tests for o in men)


def test_regenerating_is_idempotent(shared_world: World) -> None:
    pid, _ = course(shared_world)
    before = orders(shared_world, pid)
    work = LabWorkService(shared_world.services.engine, now=shared_world.clock)
    sync = work.regenerate_all(shared_world.actors["nurse"])  # the app's Regenerate
    assert (sync.created, sync.updated, sync.cancelled) == (0, 0, 0)
    assert same(orders(shared_world, pid)) == same(before)


def test_an_early_end_keeps_printed_orders_and_cancels_the_rest(shared_world: World) -> None:
    s, nurse = shared_world.services, shared_world.actors["nurse"]
    pid, cid = course(shared_world)
    planned = orders(shared_world, pid)
    late = [o for o in planned if o.due_from > START_DAY + dt.timedelta(days=90)]
    assert print_orders(shared_world, nurse, [late[0].id]) == 1
    printed = late[0]
    end = START_DAY + dt.timedelta(days=60)
    change = s.courses.end(shared_world.first, cid, end, status="stopped", reason="raised ALT")
    assert change.course.status == "stopped" and change.orders.cancelled > 0
    after = orders(shared_world, pid)
    assert next(o for o in after if o.id == printed.id).status == "printed"
    live = [o for o in after if o.status == "planned"]
    assert all(o.due_from <= add_months(end, 1) for o in live)
    keys = [o.key for o in after]
    assert len(keys) == len(set(keys))
    again = LabWorkService(s.engine, now=shared_world.clock).regenerate_all(nurse)
    assert (again.created, again.cancelled) == (0, 0)
    assert same(orders(shared_world, pid)) == same(after)


def test_a_dose_change_is_kept_with_the_course(shared_world: World) -> None:
    _, cid = course(shared_world, lab_schedule_profile="minimal")
    on = START_DAY + dt.timedelta(days=28)
    change = change_dose(shared_world, cid, on, 60)
    assert change.course.details["dose_changes"] == [{"date": on.isoformat(), "mg_per_day": 60}]
    with pytest.raises(InputError):
        change_dose(shared_world, cid, on, 0)


def test_one_open_course_at_a_time(shared_world: World) -> None:
    pid, cid = course(shared_world)
    with pytest.raises(InputError, match="still open"):
        shared_world.services.courses.start(shared_world.first, pid, START)
    shared_world.services.courses.end(shared_world.first, cid, START_DAY + dt.timedelta(days=1))
    later = dataclasses.replace(START, start_date=START_DAY + dt.timedelta(days=200))
    shared_world.services.courses.start(shared_world.first, pid, later)
