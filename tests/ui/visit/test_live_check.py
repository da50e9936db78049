"""The live check of an incomplete checklist (pure Python): notes instead of crashes, and
provisional findings that leave out what a placeholder could sway."""

from __future__ import annotations

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.checklist import Form
from isoface_desk.ui.visit.live_check import live_check
from isoface_desk.ui.visit.signing import sign_readiness
from tests.ui.visit.conftest import uk_context


def test_an_empty_checklist_gives_notes_and_no_swayed_findings(
    forms: dict[str, Form], catalog: Catalog
) -> None:
    result = live_check(forms["initiation"], {}, uk_context(), catalog)
    assert result.provisional and not result.complete
    texts = [n.text for n in result.notes]
    assert "Can the patient get pregnant?: not answered" in texts
    assert "Weight today: not answered" in texts
    assert result.evaluation is not None and result.evaluation.dose is None
    topics = {f.code for f in result.evaluation.findings}
    assert not topics & {"PREGNANCY_TEST_MISSING", "CONTRACEPTION_MISSING", "DOSE_ABOVE_MAX"}
    assert sign_readiness(result, {})[0] is False


def test_a_bad_record_is_left_out_and_located(forms: dict[str, Form], catalog: Catalog) -> None:
    answers = {"pregnancy_potential": True, "weight_kg": 60, "mg_per_day": 200,
               "pregnancy_tests": [{"date": "2026-09-01", "result": "negative",
                                    "setting": "clinic"}, {"result": "negative"}]}  # fmt: skip
    result = live_check(forms["initiation"], answers, uk_context(), catalog)
    assert result.evaluation is not None
    codes = result.evaluation.codes()
    assert "PREGNANCY_TEST_STALE" in codes and "DOSE_ABOVE_MAX" in codes
    located = {(n.question_id, n.index, n.sub_id, n.section_id) for n in result.notes}
    assert ("pregnancy_tests", 1, "date", "pregnancy-tests") in located
    ok, why = sign_readiness(result, {})
    assert not ok and "block" in why and "still to answer" in why
