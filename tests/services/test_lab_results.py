"""Results entry through the service (graded, stored, audited, refused when incomplete or
by an auditor), abnormal results on the due list and the patient page, the latest results
as a visit's check-format labs, and the FHIR R4 export validated with fhir.resources."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle

from isoface_desk.domain.catalog import default_catalog
from isoface_desk.domain.check_input import parse_visit
from isoface_desk.domain.engine import evaluate
from isoface_desk.domain.lab_orders import order_code
from isoface_desk.errors import AccessDenied, InputError
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.labs.lab_export import LabExportService
from isoface_desk.services.labs.lab_results import LabResultService, ResultEntry
from isoface_desk.services.labs.lab_work import LabWorkService, occasion
from isoface_desk.services.labs.orders import LabOrder
from isoface_desk.services.visits.visit_start import VisitStartService
from isoface_desk.storage.audit import chain_head, events_for_target
from isoface_desk.storage.db import read_scope
from tests.domain.test_fhir import enum_problems
from tests.services.conftest import World, example_patient, graded_results, stored_order, visit

START = CourseStart(
    start_date=dt.date(2026, 6, 1), product="Isoface 20 mg", strength_mg=20, mg_per_day=40
)
RESULT_DAY = dt.date(2026, 11, 10)  # the test clock says 2026-11-20


def course_orders(w: World) -> tuple[int, list[LabOrder]]:
    pid = w.services.patients.create(w.first, example_patient()).id
    w.services.courses.start(w.first, pid, START)
    return pid, w.services.orders.for_patient(w.actors["nurse"], pid)


def month4(orders: list[LabOrder], tests: list[str]) -> LabOrder:
    return next(o for o in orders if occasion(o.key)[0] == "month 4" and o.tests == tests)


def liver(alt: float, tg: float = 1.4, tg_unit: str = "mmol/L") -> list[ResultEntry]:
    return [
        ResultEntry("ALT", RESULT_DAY, alt, "U/L", 40),
        ResultEntry("AST", RESULT_DAY, 30, "U/L", 40),
        ResultEntry("TG", RESULT_DAY, tg, tg_unit),
        ResultEntry("CHOL", RESULT_DAY, 4.8, "mmol/L", 5.2),
    ]


@pytest.fixture(scope="module")
def results(shared_world: World) -> LabResultService:
    return LabResultService(shared_world.services.engine, now=shared_world.clock)


def test_results_are_graded_stored_and_audited(
    shared_world: World, results: LabResultService
) -> None:
    w, nurse = shared_world, shared_world.actors["nurse"]
    pid, orders = course_orders(w)
    order = month4(orders, ["ALT", "AST", "TG", "CHOL"])
    stored = results.record(nurse, order.id, liver(alt=130, tg=797.13, tg_unit="mg/dL"))
    assert stored.status == "resulted" and stored.abnormal
    assert stored.results["ALT"]["level"] == "block"  # 130 > 3 x 40
    assert stored.results["TG"]["level"] == "block"  # 797.13 mg/dL = 9.00 mmol/L
    assert stored.results["CHOL"] == {
        "date": "2026-11-10", "value": 4.8, "unit": "mmol/L", "uln": 5.2, "level": "normal",
        "message": "CHOL 4.8 mmol/L: within the limits.",
    }  # fmt: skip
    again = results.record(nurse, order.id, liver(alt=35))
    assert not again.abnormal
    with read_scope(w.services.engine) as session:
        actions = [e.action for e in events_for_target(session, "order", str(order.id))]
    assert actions[-2:] == ["result", "correct result"]
    page = graded_results(w.services.engine, pid)
    assert [line.entry.value for line in page.lines if line.test == "ALT"] == [35]
    assert page.abnormal_latest == ()


def test_incomplete_or_wrong_entries_are_refused_whole(
    shared_world: World, results: LabResultService
) -> None:
    w, nurse = shared_world, shared_world.actors["nurse"]
    _, orders = course_orders(w)
    order = month4(orders, ["ALT", "AST", "TG", "CHOL"])
    entries = liver(alt=30)
    broken = [dataclasses.replace(entries[0], uln=None), *entries[1:3],
              ResultEntry("HCG", RESULT_DAY, "negative")]  # fmt: skip
    with pytest.raises(InputError) as caught:
        results.record(nurse, order.id, broken)
    text = str(caught.value)
    assert "HCG: not ordered on" in text and "CHOL: no result entered" in text
    assert "ALT: the laboratory's upper limit of normal is needed" in text
    future = [dataclasses.replace(e, result_date=dt.date(2026, 11, 21)) for e in entries]
    with pytest.raises(InputError, match="in the future"):
        results.record(nurse, order.id, future)
    assert stored_order(w.services.engine, order.id).status == "planned"


def test_abnormal_results_show_on_the_due_list_and_feed_the_next_visit(
    shared_world: World, results: LabResultService
) -> None:
    w, nurse = shared_world, shared_world.actors["nurse"]
    pid, orders = course_orders(w)
    results.record(nurse, month4(orders, ["ALT", "AST", "TG", "CHOL"]).id, liver(alt=130))
    results.record(nurse, month4(orders, ["HCG"]).id,
                   [ResultEntry("HCG", RESULT_DAY, "negative")])  # fmt: skip
    due = LabWorkService(w.services.engine, now=w.clock).due_list(nurse)
    mine = [i for i in due.items if i.patient_id == pid]
    resulted = [i for i in mine if i.group == "resulted"]
    assert sorted(i.level for i in resulted) == ["block", "normal"]
    assert all("ALT 130 U/L" in i.patient_alert for i in mine)
    old = next(o for o in orders if occasion(o.key)[0] == "month 1" and o.tests == ["HCG"])
    results.record(nurse, old.id, [ResultEntry("HCG", dt.date(2026, 7, 1), "negative")])
    due = LabWorkService(w.services.engine, now=w.clock).due_list(nurse)
    assert old.id not in {i.order_id for i in due.items}  # the lab's date is 4 months ago
    # The next visit opens with these results, and the safety check fires on them.
    derm = w.actors["dermatologist"]
    starts = VisitStartService(w.services.engine, now=w.clock)
    filled = starts.prepare(derm, pid, "follow-up", dt.date(2026, 11, 19)).prefill
    assert [entry["test"] for entry in filled.visit["labs"]] == ["ALT", "AST", "CHOL", "TG"]
    assert filled.visit["pregnancy_tests"][0]["result"] == "negative"
    assert "lab order LO-" in filled.notes["labs"].text
    data = visit("follow-up", mg_per_day=40, cumulative_mg=6000)
    data["labs"] = list(filled.visit["labs"])
    data["pregnancy_tests"] = [*data["pregnancy_tests"], *filled.visit["pregnancy_tests"]]
    found = evaluate(parse_visit(data, default_catalog()), default_catalog())
    assert "LIVER_ENZYMES_SEVERE" in {f.code for f in found.findings}
    earlier = starts.prepare(derm, pid, "follow-up", dt.date(2026, 11, 9)).prefill
    assert "labs" not in earlier.visit, "results dated after the visit are not offered"


def test_an_auditor_cannot_enter_results(shared_world: World, results: LabResultService) -> None:
    w = shared_world
    _, orders = course_orders(w)
    with read_scope(w.services.engine) as session:
        head = chain_head(session)
    with pytest.raises(AccessDenied):
        results.record(w.actors["auditor"], orders[0].id, liver(alt=30))
    with read_scope(w.services.engine) as session:
        assert chain_head(session) == head


def test_fhir_export_validates_and_carries_orders_and_results(
    shared_world: World, results: LabResultService, tmp_path: Path
) -> None:
    w, nurse = shared_world, shared_world.actors["nurse"]
    _, orders = course_orders(w)
    order = month4(orders, ["ALT", "AST", "TG", "CHOL"])
    results.record(nurse, order.id, liver(alt=130))
    out = tmp_path / "labs.json"
    export = LabExportService(w.services.engine, now=w.clock).export_to_file(
        w.actors["auditor"], out
    )
    bundle = json.loads(out.read_text(encoding="utf-8"))
    model = Bundle.model_validate(bundle)
    assert enum_problems(model) == []
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("Observation") == export.results >= 4
    requests = [e["resource"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "ServiceRequest"]  # fmt: skip
    mine = [r for r in requests if r["requisition"]["value"] == order_code(order.id)]
    assert [r["status"] for r in mine] == ["completed"] * 4
    alt = next(e["resource"] for e in bundle["entry"]
               if e["resource"]["resourceType"] == "Observation"
               and e["resource"].get("valueQuantity") == {
                   "value": 130, "unit": "U/L", "system": "http://unitsofmeasure.org",
                   "code": "U/L"})  # fmt: skip
    assert alt["interpretation"][0]["coding"][0]["code"] == "H"
    assert not list(tmp_path.glob("*.part"))
