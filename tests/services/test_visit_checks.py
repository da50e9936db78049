"""services.visits.visit_checks.check_visit refuses, when a visit is signed, exactly what
domain.readiness says stops signing on the checklist screen."""

from __future__ import annotations

import pytest

from isoface_desk.errors import InputError, Problem
from isoface_desk.services.visits.visit_checks import SigningRefused, check_visit
from tests.domain.engine_helpers import catalog, make

WARN = "DOSE_ABOVE_USUAL"


def test_the_service_refuses_what_readiness_refuses() -> None:
    cat = catalog()
    data = make(dose__mg_per_day=100, patient__weight_kg=50, patient__breastfeeding=True)
    with pytest.raises(SigningRefused) as blocked:
        check_visit("initiation", data, {WARN: "why"}, cat)
    assert blocked.value.blocked and blocked.value.codes == ("BREASTFEEDING",)
    data = make(dose__mg_per_day=100, patient__weight_kg=50)
    with pytest.raises(SigningRefused) as unjustified:
        check_visit("initiation", data, {WARN: " "}, cat)
    assert not unjustified.value.blocked and unjustified.value.codes == (WARN,)
    with pytest.raises(InputError, match="GONE: a justification was given, but this visit"):
        check_visit("initiation", data, {WARN: "ok", "GONE": "old"}, cat)
    _, _, kept = check_visit("initiation", data, {WARN: "  ok "}, cat)
    assert kept == {WARN: "ok"}


def test_a_visit_of_another_kind_is_a_problem_of_visit_kind() -> None:
    with pytest.raises(InputError) as raised:
        check_visit("follow-up", make(), {}, catalog())
    assert raised.value.items == (
        Problem("visit.kind", "is 'initiation' but a follow-up visit is being signed."),
    )
    assert str(raised.value) == "visit.kind: is 'initiation' but a follow-up visit is being signed."
