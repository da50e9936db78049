"""Lab orders from schedules over six-month courses (both schedule profiles, with and
without pregnancy potential, a dose change, an early end), every course regenerated at
once, the due list's groups, print jobs that mark exactly what they printed, and roles."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from isoface_desk.domain.catalog import default_catalog
from isoface_desk.domain.lab_orders import order_code
from isoface_desk.errors import AccessDenied, InputError
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.labs.lab_printing import LabPrintService, render_batch
from isoface_desk.services.labs.lab_work import LabWorkService, occasion
from isoface_desk.services.labs.orders import LabOrder
from isoface_desk.storage.audit import chain_head, recent_events
from isoface_desk.storage.db import read_scope
from tests.services.conftest import World, change_dose, example_patient, print_orders

START_DAY = dt.date(2026, 6, 1)  # six months: planned end 2026-12-01
START = CourseStart(start_date=START_DAY, product="Isoface 20 mg", strength_mg=20, mg_per_day=40)
D = dt.date


def start_course(
    w: World, *, pregnancy: bool, profile: str | None = None, diabetes: bool = False
) -> tuple[int, int]:
    attributes = {"conditions": ["diabetes"]} if diabetes else {}
    patient = dataclasses.replace(
        example_patient(), can_get_pregnant=pregnancy, attributes=attributes
    )
    pid = w.services.patients.create(w.first, patient).id
    start = dataclasses.replace(START, lab_schedule_profile=profile)
    return pid, w.services.courses.start(w.first, pid, start).course.id


def orders_of(w: World, pid: int, *statuses: str) -> list[LabOrder]:
    found = w.services.orders.for_patient(w.actors["nurse"], pid)
    return [o for o in found if not statuses or o.status in statuses]


def plan(orders: list[LabOrder]) -> list[tuple[str, tuple[str, ...], D, D]]:
    """(reason, tests, window) of each order, by window start."""
    return sorted((occasion(o.key)[0], tuple(o.tests), o.due_from, o.due_until) for o in orders)


LIVER = ("ALT", "AST", "TG", "CHOL")
SMPC_PREGNANCY = [
    ("1 month after last dose", ("HCG",), D(2027, 1, 1), D(2027, 1, 8)),
    ("baseline", LIVER, D(2026, 5, 2), D(2026, 6, 1)),
    ("baseline", ("HCG",), D(2026, 5, 29), D(2026, 6, 1)),
    ("end of course", LIVER, D(2026, 11, 24), D(2026, 12, 8)),
    ("month 1", LIVER, D(2026, 6, 24), D(2026, 7, 8)),
    ("month 1", ("HCG",), D(2026, 6, 28), D(2026, 7, 1)),
    ("month 2", ("HCG",), D(2026, 7, 29), D(2026, 8, 1)),
    ("month 3", ("HCG",), D(2026, 8, 29), D(2026, 9, 1)),
    ("month 4", LIVER, D(2026, 9, 24), D(2026, 10, 8)),
    ("month 4", ("HCG",), D(2026, 9, 28), D(2026, 10, 1)),
    ("month 5", ("HCG",), D(2026, 10, 29), D(2026, 11, 1)),
    ("month 6", ("HCG",), D(2026, 11, 28), D(2026, 12, 1)),
]
MINIMAL_PREGNANCY = [
    ("1 month after last dose", ("HCG",), D(2027, 1, 1), D(2027, 1, 8)),
    ("baseline", ("ALT", "TG"), D(2026, 5, 2), D(2026, 6, 1)),
    ("baseline", ("HCG",), D(2026, 5, 29), D(2026, 6, 1)),
    *[row for row in SMPC_PREGNANCY if row[1] == ("HCG",) and row[0].startswith("month")],
    ("peak dose", ("ALT", "TG"), D(2026, 6, 24), D(2026, 7, 8)),
]


@pytest.mark.parametrize(
    ("profile", "pregnancy", "expected"),
    [
        (None, True, SMPC_PREGNANCY),  # the clinic's default, smpc
        (None, False, [row for row in SMPC_PREGNANCY if row[1] != ("HCG",)]),
        ("minimal", True, MINIMAL_PREGNANCY),
        ("minimal", False, [row for row in MINIMAL_PREGNANCY if row[1] != ("HCG",)]),
    ],
)
def test_a_six_month_course_gets_its_schedule(
    shared_world: World, profile: str | None, pregnancy: bool, expected: list[object]
) -> None:
    pid, _ = start_course(shared_world, pregnancy=pregnancy, profile=profile)
    assert plan(orders_of(shared_world, pid)) == sorted(expected)  # type: ignore[type-var]


def test_diabetes_adds_fasting_glucose_at_baseline(shared_world: World) -> None:
    pid, _ = start_course(shared_world, pregnancy=False, diabetes=True)
    baseline = [o for o in orders_of(shared_world, pid) if occasion(o.key)[0] == "baseline"]
    assert [tuple(o.tests) for o in baseline] == [(*LIVER, "GLUCOSE")]


def test_a_dose_change_moves_the_peak_dose_test_and_keeps_the_printed_one(
    shared_world: World,
) -> None:
    w, nurse = shared_world, shared_world.actors["nurse"]
    pid, cid = start_course(w, pregnancy=True, profile="minimal")
    peak = next(o for o in orders_of(w, pid) if occasion(o.key)[0] == "peak dose")
    print_orders(w, nurse, [peak.id])
    change_dose(w, cid, D(2026, 7, 15), 60)
    peaks = [o for o in orders_of(w, pid) if occasion(o.key)[0] == "peak dose"]
    assert [(o.id, o.status) for o in peaks if o.status == "printed"] == [(peak.id, "printed")]
    moved = [o for o in peaks if o.status == "planned"]
    assert [(o.due_from, o.due_until) for o in moved] == [(D(2026, 8, 8), D(2026, 8, 22))]
    # the pregnancy tests did not move, and nothing is doubled
    hcg = Counter(occasion(o.key)[0] for o in orders_of(w, pid, "planned") if o.tests == ["HCG"])
    assert set(hcg.values()) == {1} and len(hcg) == 8
    again = LabWorkService(w.services.engine, now=w.clock).regenerate_all(nurse)
    assert (again.created, again.updated, again.cancelled) == (0, 0, 0)


def test_an_early_end_moves_the_end_tests_and_keeps_printed_ones(shared_world: World) -> None:
    w, nurse = shared_world, shared_world.actors["nurse"]
    pid, cid = start_course(w, pregnancy=True)
    month4 = [o for o in orders_of(w, pid) if occasion(o.key)[0] == "month 4"]
    print_orders(w, nurse, [o.id for o in month4])
    end = D(2026, 8, 20)
    w.services.courses.end(w.first, cid, end, status="stopped", reason="patient request")
    after = orders_of(w, pid)
    assert {o.id: o.status for o in after if o.id in {m.id for m in month4}} == {
        m.id: "printed" for m in month4
    }
    live = plan([o for o in after if o.status == "planned"])
    assert live == sorted([
        ("1 month after last dose", ("HCG",), D(2026, 9, 20), D(2026, 9, 27)),
        ("baseline", LIVER, D(2026, 5, 2), D(2026, 6, 1)),
        ("baseline", ("HCG",), D(2026, 5, 29), D(2026, 6, 1)),
        ("end of course", LIVER, D(2026, 8, 13), D(2026, 8, 27)),
        ("month 1", LIVER, D(2026, 6, 24), D(2026, 7, 8)),
        ("month 1", ("HCG",), D(2026, 6, 28), D(2026, 7, 1)),
        ("month 2", ("HCG",), D(2026, 7, 29), D(2026, 8, 1)),
    ])  # fmt: skip
    keys = [o.key for o in after]
    assert len(keys) == len(set(keys))


def test_regenerate_all_is_idempotent_and_audited(shared_world: World) -> None:
    w, nurse = shared_world, shared_world.actors["nurse"]
    start_course(w, pregnancy=True)
    work = LabWorkService(w.services.engine, now=w.clock)
    with read_scope(w.services.engine) as session:
        head = chain_head(session)[0]
    sync = work.regenerate_all(nurse)
    assert (sync.created, sync.updated, sync.cancelled) == (0, 0, 0) and sync.unchanged > 0
    with read_scope(w.services.engine) as session:
        assert chain_head(session)[0] == head + 1


def test_a_pregnancy_potential_change_regenerates_the_pregnancy_tests(
    shared_world: World,
) -> None:
    w = shared_world
    pid, _ = start_course(w, pregnancy=False)
    assert not [o for o in orders_of(w, pid, "planned") if "HCG" in o.tests]
    patient = w.services.patients.get(w.first, pid)
    data = {f.name: getattr(patient, f.name) for f in dataclasses.fields(example_patient())}
    w.services.patients.edit(w.first, pid, dataclasses.replace(
        example_patient(), **{**data, "can_get_pregnant": True}))  # fmt: skip
    assert len([o for o in orders_of(w, pid, "planned") if "HCG" in o.tests]) == 8


def test_the_due_list_groups_by_target_date(shared_world: World) -> None:
    w, nurse = shared_world, shared_world.actors["nurse"]
    pid, _ = start_course(w, pregnancy=True)
    work = LabWorkService(w.services.engine, now=w.clock)
    due = work.due_list(nurse, D(2026, 9, 28))
    mine = {(i.reason, i.tests): i for i in due.items if i.patient_id == pid}
    assert mine[("month 4", ("HCG",))].group == "week"  # due 1 Oct, window opened today
    assert mine[("month 4", LIVER)].group == "week"
    assert mine[("month 3", ("HCG",))].group == "overdue"  # window closed 1 Sep
    assert ("month 5", ("HCG",)) not in mine  # due 1 Nov, 34 days ahead
    later = work.due_list(nurse, D(2026, 10, 5))
    mine_later = {(i.reason, i.tests): i.group for i in later.items if i.patient_id == pid}
    assert mine_later[("month 4", LIVER)] == "today"  # due 1 Oct, window open until 8 Oct
    assert mine_later[("month 4", ("HCG",))] == "overdue"
    assert mine_later[("month 5", ("HCG",))] == "month"
    item = mine[("month 4", ("HCG",))]
    assert item.code == order_code(item.order_id) and item.due == D(2026, 10, 1)
    assert item.clinic_number and item.patient_name == "Zoë Ångström"
    assert item.prescriber_name == "Dr First"


def test_a_print_job_marks_exactly_the_orders_in_its_file(
    shared_world: World, tmp_path: Path
) -> None:
    w, nurse = shared_world, shared_world.actors["nurse"]
    pid, _ = start_course(w, pregnancy=True)
    ids = [o.id for o in orders_of(w, pid)][:5]
    printing = LabPrintService(w.services.engine, now=w.clock)
    out = tmp_path / "orders.pdf"
    asked = []

    def stop_after_three() -> bool:
        asked.append(1)
        return len(asked) > 3

    outcome = printing.print_to_file(nurse, ids, out, should_cancel=stop_after_three)
    assert outcome.result.cancelled and outcome.marked == 3
    assert len(PdfReader(out).pages) == 3
    assert outcome.result.order_ids == tuple(order_code(i) for i in ids[:3])
    statuses = {o.id: o.status for o in orders_of(w, pid)}
    assert [statuses[i] for i in ids] == ["printed"] * 3 + ["planned"] * 2
    labels = render_batch(printing.prepare(nurse, ids), labels=True)
    assert labels.order_ids == tuple(order_code(i) for i in ids) and labels.pdf[:5] == b"%PDF-"
    assert not list(tmp_path.glob("*.part"))


def test_a_print_job_marks_nothing_until_its_pdf_went_out(shared_world: World) -> None:
    """run_job, the steps of every print job: the caller's deliver(pdf) is the only part
    it does not do, and a delivery that was stopped marks nothing."""
    w, nurse = shared_world, shared_world.actors["nurse"]
    pid, _ = start_course(w, pregnancy=True)
    ids = [o.id for o in orders_of(w, pid)][:3]
    printing = LabPrintService(w.services.engine, now=w.clock)
    given: list[bytes] = []

    def stopped(pdf: bytes) -> bool:
        given.append(pdf)
        return False

    outcome = printing.run_job(nurse, ids, stopped, destination="the printer")
    assert not outcome.delivered and outcome.marked == 0 and outcome.printed == ()
    assert outcome.requested == 3 and len(PdfReader(io.BytesIO(given[0])).pages) == 3
    assert {o.status for o in orders_of(w, pid) if o.id in ids} == {"planned"}
    outcome = printing.run_job(nurse, ids, lambda _pdf: True, labels=True, destination="x")
    assert outcome.marked == 3 and outcome.printed == tuple(order_code(i) for i in ids)
    with read_scope(w.services.engine) as session:
        events = recent_events(session, 3, actor=nurse.username, action="print")
    assert [e.details for e in events] == [{"job": "labels", "orders": 3}] * 3


def test_the_print_job_reads_the_catalog_it_is_given(shared_world: World) -> None:
    w, nurse = shared_world, shared_world.actors["nurse"]
    pid, _ = start_course(w, pregnancy=False)
    ids = [o.id for o in orders_of(w, pid)][:1]
    shipped = default_catalog()
    empty = dataclasses.replace(shipped, profiles={}, families={})
    basis = {
        name: LabPrintService(w.services.engine, now=w.clock, catalog=catalog)
        .prepare(nurse, ids)
        .clinic.profile_basis
        for name, catalog in (("shipped", shipped), ("empty", empty))
    }
    assert basis["shipped"] and basis["empty"] == ""


def test_print_refuses_orders_past_printing(shared_world: World) -> None:
    w, nurse = shared_world, shared_world.actors["nurse"]
    pid, _ = start_course(w, pregnancy=False)
    order = orders_of(w, pid)[0]
    LabWorkService(w.services.engine).mark_collected(nurse, [order.id])
    with pytest.raises(InputError, match="Only planned or printed"):
        LabPrintService(w.services.engine).prepare(nurse, [order.id])


def test_an_auditor_reads_the_due_list_and_changes_nothing(
    shared_world: World, tmp_path: Path
) -> None:
    w, auditor = shared_world, shared_world.actors["auditor"]
    pid, _ = start_course(w, pregnancy=True)
    ids = [o.id for o in orders_of(w, pid)]
    work = LabWorkService(w.services.engine, now=w.clock)
    assert work.due_list(auditor, D(2026, 6, 1)).items
    with read_scope(w.services.engine) as session:
        head = chain_head(session)
    calls = [
        lambda: work.regenerate_all(auditor),
        lambda: LabPrintService(w.services.engine).run_job(
            auditor, ids[:1], lambda _pdf: True, destination="x"
        ),
        lambda: work.mark_collected(auditor, ids[:1]),
        lambda: LabPrintService(w.services.engine).prepare(auditor, ids[:1]),
        lambda: LabPrintService(w.services.engine).print_to_file(
            auditor, ids[:1], tmp_path / "x.pdf"
        ),
    ]
    for call in calls:
        with pytest.raises(AccessDenied):
            call()
    with read_scope(w.services.engine) as session:
        assert chain_head(session) == head
    assert {o.status for o in orders_of(w, pid)} == {"planned"}
    assert not (tmp_path / "x.pdf").exists()
