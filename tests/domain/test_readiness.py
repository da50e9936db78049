"""domain.readiness: the one rule of when an evaluation may be signed, as the checklist
screen and the signing service both apply it."""

from __future__ import annotations

from isoface_desk.domain.engine import Evaluation
from isoface_desk.domain.readiness import readiness
from tests.domain.engine_helpers import make, run

WARN = "DOSE_ABOVE_USUAL"


def warned() -> Evaluation:
    return run(make(dose__mg_per_day=100, patient__weight_kg=50))


def blocked_and_warned() -> Evaluation:
    return run(make(dose__mg_per_day=100, patient__weight_kg=50, patient__breastfeeding=True))


def test_a_clear_evaluation_is_ready() -> None:
    ready = readiness(run(make()), {})
    assert ready.ready and ready.complete
    assert (ready.blocks, ready.unjustified, ready.justified, ready.stray) == ((), (), {}, ())


def test_a_warning_needs_a_typed_justification_and_blank_text_is_none() -> None:
    for typed in ({}, {WARN: ""}, {WARN: "   "}):
        ready = readiness(warned(), typed)
        assert not ready.ready
        assert [f.code for f in ready.unjustified] == [WARN]
    ready = readiness(warned(), {WARN: "  weighed twice today  "})
    assert ready.ready and ready.justified == {WARN: "weighed twice today"}


def test_a_block_stops_signing_whatever_is_typed() -> None:
    ready = readiness(blocked_and_warned(), {WARN: "why", "BREASTFEEDING": "why"})
    assert not ready.ready
    assert [f.code for f in ready.blocks] == ["BREASTFEEDING"]
    assert ready.justified == {WARN: "why"}  # only warnings are justified
    assert ready.stray == ("BREASTFEEDING",)


def test_stray_justifications_are_listed_sorted_and_not_signed() -> None:
    ready = readiness(warned(), {WARN: "ok", "ZZ_GONE": "old", "AA_GONE": ""})
    assert ready.ready  # the screen simply does not sign them
    assert ready.stray == ("AA_GONE", "ZZ_GONE")
    assert ready.justified == {WARN: "ok"}


def test_a_provisional_or_missing_evaluation_is_not_complete() -> None:
    assert not readiness(run(make()), {}, provisional=True).ready
    missing = readiness(None, {"X": "y"})
    assert not missing.complete and not missing.ready
    assert missing.stray == ("X",) and missing.blocks == ()
