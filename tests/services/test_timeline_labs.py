"""The patient page's latest labs are graded as the nurses' due list grades them: results
of lab orders keep the level stored when the nurse entered them (LabResultService), so
the page's abnormal tests are exactly `patient_results(...).abnormal_latest`, including a
triglyceride value with no upper limit that a ULN-only check would miss; values typed
into a signed visit are graded by the same rule (assess_result, the clinic's profile)."""

from __future__ import annotations

import datetime as dt

from isoface_desk.devtools.demo_visits import JUSTIFICATIONS, Twist
from isoface_desk.domain.lab_results import ResultEntry
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.care.timeline import TimelineService
from isoface_desk.services.labs.lab_results import LabResultService
from tests.services.conftest import (
    PASSWORD,
    World,
    example_patient,
    graded_results,
    patient_signature,
    visit,
)

START = CourseStart(dt.date(2026, 6, 1), "Isoface 20 mg", 20, 40)
TAKEN = dt.date(2026, 5, 20)
RESULTS = {
    "ALT": ResultEntry("ALT", TAKEN, 60.0, "U/L", 45.0),  # warn: above ULN
    "AST": ResultEntry("AST", TAKEN, 30.0, "U/L", 40.0),  # normal
    "TG": ResultEntry("TG", TAKEN, 6.0, "mmol/L"),  # warn: above 5 mmol/L, and no ULN
    "CHOL": ResultEntry("CHOL", TAKEN, 6.5, "mmol/L", 5.2),  # high: above the lab's range
}


def resulted_patient(w: World) -> int:
    """A patient whose baseline liver and lipid order has the RESULTS."""
    derm, nurse = w.actors["dermatologist"], w.actors["nurse"]
    pid = w.services.patients.create(derm, example_patient()).id
    w.services.courses.start(derm, pid, START)
    order = next(o for o in w.services.orders.for_patient(nurse, pid)
                 if set(o.tests) == set(RESULTS))  # fmt: skip
    LabResultService(w.services.engine, now=w.clock).record(nurse, order.id, list(RESULTS.values()))
    return pid


def test_the_page_flags_exactly_what_the_due_list_flags(shared_world: World) -> None:
    w = shared_world
    pid = resulted_patient(w)
    for role in ("nurse", "dermatologist", "auditor"):
        actor = w.actors[role]
        labs = {v.test: v for v in TimelineService(w.services.engine).for_patient(actor, pid).labs}
        graded = graded_results(w.services.engine, pid)
        assert (
            {t: v.level for t, v in labs.items() if t in RESULTS}
            == {t: line.level for t, line in graded.latest.items()}
            == {"ALT": "warn", "AST": "normal", "TG": "warn", "CHOL": "high"}
        )
        abnormal = {t for t, v in labs.items() if v.abnormal and t in RESULTS}
        assert abnormal == {line.test for line in graded.abnormal_latest}
        assert labs["TG"].uln is None  # flagged although no upper limit was given
        assert labs["ALT"].message == graded.latest["ALT"].message
        assert "above the upper limit" in labs["ALT"].message


def test_values_of_a_signed_visit_are_graded_by_the_same_rule(shared_world: World) -> None:
    w = shared_world
    derm = w.actors["dermatologist"]
    pid = resulted_patient(w)
    raised = visit(twist=Twist.ALT_RAISED)  # a later visit: ALT 52 U/L (ULN 45), TG normal
    justification = {"LIVER_ENZYMES_HIGH": JUSTIFICATIONS["LIVER_ENZYMES_HIGH"]}
    (course,) = w.services.courses.for_patient(derm, pid)
    w.services.records.sign_visit(derm, pid, course.id, "initiation", raised, justification,
                                  patient_signature(), PASSWORD)  # fmt: skip
    labs = {v.test: v for v in TimelineService(w.services.engine).for_patient(derm, pid).labs}
    taken = dt.date.fromisoformat(raised["labs"][0]["date"])
    assert labs["ALT"].date == taken and labs["ALT"].value == 52
    assert (labs["ALT"].level, labs["TG"].level, labs["CHOL"].level) == ("warn", "normal", "normal")
    assert labs["HCG"].level == "normal" and labs["HCG"].result == "negative"
    nurse_view = TimelineService(w.services.engine).for_patient(w.actors["nurse"], pid).labs
    assert {v.test: v.level for v in nurse_view}["TG"] == "warn"  # no signed content: orders
