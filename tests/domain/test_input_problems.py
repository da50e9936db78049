"""InputError carries structured problems (field path, what is wrong), so no reader parses
the "path: what" text; the text stays exactly as before for messages and the CLI."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from isoface_desk.domain.catalog import ProfileError, resolve_profile
from isoface_desk.domain.check_input import MISSING_LIST, parse_visit
from isoface_desk.domain.input_fields import MISSING, ROOT, path_steps
from isoface_desk.domain.provisional import provisional_evaluation
from isoface_desk.errors import FormDataError, InputError, Problem
from tests.domain.engine_helpers import catalog, make, run


def items(data: Any) -> tuple[Problem, ...]:
    with pytest.raises(InputError) as raised:
        parse_visit(data, catalog())
    error = raised.value
    assert error.problems == [str(p) for p in error.items]
    assert str(error) == "\n".join(error.problems)
    return error.items


def test_plain_text_is_a_problem_about_no_one_field() -> None:
    error = FormDataError(["a.toml: x: missing", Problem("dose", "too high")])
    assert error.items == (Problem(None, "a.toml: x: missing"), Problem("dose", "too high"))
    assert error.problems == ["a.toml: x: missing", "dose: too high"]
    assert str(InputError("one thing")) == "one thing"
    assert InputError(Problem("visit.date", "missing")).problems == ["visit.date: missing"]


def test_parse_problems_name_their_paths() -> None:
    data = make()
    del data["patient"]["weight_kg"]
    data["product"]["excipients"] = None
    data["labs"] = [{"test": "ALT", "date": "2026-10-01", "value": -1, "unit": "U/L"}]
    found = items(data)
    assert Problem("patient.weight_kg", MISSING) in found
    assert Problem("product.excipients", MISSING_LIST) in found
    assert [p.path for p in found if p.path and p.path.startswith("labs")] == [
        "labs[0].value",
        "labs[0].uln",
    ]


def test_the_root_and_odd_keys_keep_their_path_whole() -> None:
    assert items([1]) == (Problem(ROOT, "expected an object, got a list"),)
    data = make()
    data["patient"]["odd: key"] = 1
    assert Problem("patient.odd: key", "unknown key") in items(data)


def test_a_profile_problem_is_about_the_profile() -> None:
    with pytest.raises(ProfileError) as raised:
        resolve_profile(catalog(), "no-such", dt.date(2026, 1, 1))
    assert [p.path for p in raised.value.items] == ["profile"]
    assert raised.value.problems[0].startswith("profile: 'no-such' is not a known profile")


def test_path_steps_invert_the_paths_the_reader_builds() -> None:
    assert path_steps("labs[2].unit") == [("labs", None), ("", 2), ("unit", None)]
    assert path_steps("dose") == [("dose", None)]


def test_provisional_findings_leave_out_what_a_placeholder_sways() -> None:
    data = make(dose__mg_per_day=200)
    del data["patient"]["weight_kg"]
    evaluation = provisional_evaluation(data, items(data), catalog())
    assert evaluation is not None and evaluation.dose is None
    assert "DOSE_ABOVE_MAX" not in evaluation.codes()  # the weight is a placeholder
    data = make(patient__breastfeeding=True, dose__mg_per_day="lots")
    evaluation = provisional_evaluation(data, items(data), catalog())
    assert (
        evaluation is not None
        and evaluation.codes() == run(make(patient__breastfeeding=True)).codes()
    )


def test_a_problem_naming_no_field_gives_no_provisional_findings() -> None:
    assert provisional_evaluation(make(), [Problem(None, "something")], catalog()) is None
