"""What a new visit opens with: the follow-up carries the last signed visit's answers
(marked to confirm), the course's dose wins over the last visit's, the patient record gives
the pregnancy potential, and the newest stored result of each test (with its source) fills
the labs and pregnancy tests; the safety check fires on them as `check` would."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from isoface_desk.config import PROJECT_ROOT
from isoface_desk.domain.catalog import Catalog, load_catalog
from isoface_desk.domain.check_input import parse_visit
from isoface_desk.domain.checklist import (
    Form,
    VisitContext,
    answers_to_visit_dict,
    load_checklists,
    refs_from_catalog,
)
from isoface_desk.domain.engine import evaluate
from isoface_desk.domain.visit_prefill import CarriedVisit, StoredResult, prefill
from tests.conftest import EXAMPLES

FORMS = PROJECT_ROOT / "forms"
EXAMPLE_FILE = EXAMPLES / "us-follow-up-minocycline-stale-test.json"
if not EXAMPLE_FILE.is_file():
    pytest.skip(f"{EXAMPLE_FILE} is not available", allow_module_level=True)
EXAMPLE = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))
LAST = date(2026, 10, 12)
TODAY = LAST + timedelta(days=28)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(FORMS)


@pytest.fixture(scope="module")
def forms(catalog: Catalog) -> dict[str, Form]:
    return load_checklists(FORMS, refs_from_catalog(catalog))


def _tg(value: float, day: date, source: str = "lab order LO-000007") -> StoredResult:
    return StoredResult({"test": "TG", "date": day.isoformat(), "value": value,
                         "unit": "mmol/L"}, source)  # fmt: skip


def test_a_follow_up_carries_the_last_visit_and_marks_each_section(forms: dict[str, Form]) -> None:
    form = forms["follow-up"]
    last = CarriedVisit(LAST, "follow-up", EXAMPLE)
    filled = prefill(form, TODAY, last=last, course_mg_per_day=60, pregnancy_potential=True)
    a = filled.answers
    assert a["weight_kg"] == 71.5 and a["product_name"] == "Isoface 20 mg"
    assert a["mg_per_day"] == 60, "the course's current dose, not the last visit's 40"
    assert [m["code"] for m in a["contraception_methods"]] == ["ring", "male-condom"]
    assert a["contraception_methods"][0]["start_date"] == date(2026, 6, 1)
    assert [m["name"] for m in a["medications"]] == ["Cetirizine 10 mg", "Minocin 50 mg"]
    assert a["pregnancy_potential"] is True and a["pregnant"] is False
    assert "phq9" not in a, "the PHQ-9 is answered afresh at every visit"
    confirm = {sid for sid, note in filled.notes.items() if note.confirm}
    assert confirm == {"pregnancy-potential", "allergies", "medicines", "conditions",
                       "contraception", "product-dose"}  # fmt: skip
    assert all(filled.notes[s].text.count("As on 2026-10-12") == 1 for s in confirm)
    assert filled.notes["pregnancy-potential"].text.startswith("Pregnancy potential as in the")
    # Tests are never carried as answers: they come in as stored results, with a source.
    assert "pregnancy_tests" not in a and a["labs"] == []  # none stored since the last visit


def test_the_newest_stored_result_of_each_test_wins_and_names_its_source(
    forms: dict[str, Form],
) -> None:
    form = forms["follow-up"]
    stored = [
        _tg(1.2, LAST, "follow-up visit of 2026-10-12"),
        _tg(9.5, TODAY - timedelta(days=2)),
        _tg(1.0, TODAY + timedelta(days=1), "lab order LO-000009"),  # after the visit: not used
    ]
    filled = prefill(form, TODAY, stored=stored)
    (tg,) = filled.answers["labs"]
    assert tg["value"] == 9.5 and tg["date"] == TODAY - timedelta(days=2)
    note = filled.notes["labs"]
    assert not note.confirm and "TG 9.5 mmol/L" in note.text and "LO-000007" in note.text


def test_stored_results_reach_the_safety_check_as_check_would(
    forms: dict[str, Form], catalog: Catalog
) -> None:
    """TG 9.5 mmol/L from a lab order blocks the follow-up: TG_SEVERE."""
    form = forms["follow-up"]
    last = CarriedVisit(LAST, "follow-up", EXAMPLE)
    filled = prefill(form, TODAY, last=last, pregnancy_potential=True,
                     stored=[_tg(9.5, TODAY - timedelta(days=2))])  # fmt: skip
    context = VisitContext("us-ipledge-2026", TODAY, date(1998, 7, 3), cumulative_mg=2240)
    data = answers_to_visit_dict(form, filled.answers, context)
    result = evaluate(parse_visit(data, catalog), catalog)
    assert "TG_SEVERE" in [f.code for f in result.findings if f.severity == "block"]


def test_an_initiation_carries_only_the_history(forms: dict[str, Form]) -> None:
    form = forms["initiation"]
    filled = prefill(form, TODAY, last=CarriedVisit(LAST, "end-of-course", EXAMPLE),
                     course_mg_per_day=60)  # fmt: skip
    assert set(filled.answers) == {"medications", "allergies", "conditions"}
    assert {s for s, n in filled.notes.items() if n.confirm} == {
        "allergies", "medicines", "conditions"}  # fmt: skip


def test_after_a_visit_only_newer_results_are_offered(forms: dict[str, Form]) -> None:
    """What the last visit showed and signed is not offered again; with no blood result
    since, the follow-up opens with the answer "none" and says so."""
    form = forms["follow-up"]
    last = CarriedVisit(LAST, "follow-up", EXAMPLE)
    shown_alt = StoredResult(EXAMPLE["labs"][0], "follow-up visit of 2026-10-12")
    older = _tg(3.5, LAST - timedelta(days=3))
    filled = prefill(form, TODAY, last=last, stored=[shown_alt, older])
    assert filled.answers["labs"] == []
    assert filled.notes["labs"].text == "No blood results on file since the last visit."
    newer = _tg(3.5, LAST + timedelta(days=20))
    filled = prefill(form, TODAY, last=last, stored=[shown_alt, older, newer])
    assert [lab["value"] for lab in filled.answers["labs"]] == [3.5]


def test_a_dose_from_the_course_alone_is_marked_to_confirm(forms: dict[str, Form]) -> None:
    """A follow-up of a course with no signed visit yet: the course's dose is carried, and
    the prescriber confirms it like any carried answer."""
    filled = prefill(forms["follow-up"], TODAY, course_mg_per_day=40)
    assert filled.answers["mg_per_day"] == 40
    note = filled.notes["product-dose"]
    assert note.confirm and note.text.startswith("As in the course")
