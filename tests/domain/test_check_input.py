"""parse_visit: every rule of docs/check-format.md's input, every problem at once, by field path."""

from __future__ import annotations

import json
from typing import Any

import pytest

from isoface_desk.domain.check_input import json_object_hook, parse_visit, visit_to_dict
from isoface_desk.domain.visit import Course, Visit
from isoface_desk.errors import InputError
from tests.domain.engine_helpers import catalog, days_before, make, set_path


def problems(data: Any) -> list[str]:
    with pytest.raises(InputError) as raised:
        parse_visit(data, catalog())
    assert str(raised.value) == "\n".join(raised.value.problems)
    return raised.value.problems


def parsed(data: Any) -> Visit:
    return parse_visit(data, catalog())


def changed(path: str, value: Any, kind: str = "initiation") -> dict[str, Any]:
    data = make("uk-mhra-2026", kind)
    set_path(data, path, value)
    return data


def test_round_trip_through_visit_to_dict() -> None:
    for kind in ("initiation", "follow-up", "end-of-course"):
        visit = parsed(make("eu-ppp", kind))
        again = parsed(json.loads(json.dumps(visit_to_dict(visit))))
        assert again == visit


def test_the_invalid_example_reports_all_three_problems(examples_dir: Any) -> None:
    data = json.loads((examples_dir / "invalid-input.json").read_text())
    lines = problems(data)
    assert [line.split(":")[0] for line in lines] == [
        "patient.weight_kg", "contraception.methods[0].code", "phq9"]  # fmt: skip


@pytest.mark.parametrize(
    "where",
    ["", "visit", "patient", "medications[0]", "product", "dose", "course", "contraception",
     "contraception.methods[0]", "pregnancy_tests[0]", "labs[0]"],
)  # fmt: skip
def test_unknown_keys_rejected_at_every_level(where: str) -> None:
    data = make("uk-mhra-2026")
    set_path(data, f"{where}.weigth_kg" if where else "weigth_kg", 70)
    path = f"{where}.weigth_kg" if where else "weigth_kg"
    assert problems(data) == [f"{path}: unknown key"]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("patient.weight_kg", "70", "expected a number, got text"),
        ("patient.weight_kg", True, "expected a number, got true/false"),
        ("patient.weight_kg", 19.99, "must be from 20 to 300"),
        ("patient.weight_kg", 300.01, "must be from 20 to 300"),
        ("patient.weight_kg", 10**400, "number too large"),
        ("patient.pregnancy_potential", "yes", "expected true or false"),
        ("patient.pregnancy_potential", None, "missing"),
        ("patient.pregnant", 1, "expected true or false"),
        ("patient", [], "expected an object, got a list"),
        ("dose.mg_per_day", 0, "must be above 0 and at most 1000"),
        ("dose.mg_per_day", 1000.5, "must be above 0 and at most 1000"),
        ("dose.days_supply", 30.5, "expected a whole number"),
        ("dose.days_supply", 0, "must be from 1 to 365"),
        ("dose.days_supply", 366, "must be from 1 to 365"),
        ("dose.refills", 100, "must be from 0 to 99"),
        ("dose.refills", None, "missing"),
        ("course.cumulative_mg", -1, "must be at least 0"),
        ("medications[0].daily_iu", -1, "must be at least 0"),
        ("medications[0].name", "  ", "empty"),
        ("medications[0].route", "rectal", "is not a known route"),
        ("medications", {"name": "x"}, "expected a list, got an object"),
        ("medications[0]", "Doxycycline", "expected an object, got text"),
        ("labs[0].value", -0.5, "must be at least 0"),
        ("labs[0].uln", 0, "must be above 0"),
        ("labs[0].uln", None, "missing"),
        ("labs[0].unit", "mg/dL", "is not a known unit for ALT"),
        ("labs[1].unit", "U/L", "is not a known unit for TG"),
        ("labs[0].test", "HDL", "is not a known lab test"),
        ("phq9", [0] * 8 + [4], "must be from 0 to 3"),
        ("phq9", "0,0,0", "expected a list of nine answers or null"),
        ("phq9", [0] * 10, "expected exactly nine answers, got 10"),
        ("phq9_baseline_total", 28, "must be from 0 to 27"),
        ("pregnancy_tests[0].result", "unclear", "is not a known test result"),
        ("pregnancy_tests[0].setting", "pharmacy", "is not a known test setting"),
        ("contraception.methods[0].code", "coil", "is not a known contraception method code"),
        ("contraception.methods[0].start_date", None, "missing"),
        ("contraception.abstinence_commitment", "no", "expected true or false"),
        ("patient.conditions", ["acne"], "is not a known condition code"),
        ("patient.allergies", ["penicillin"], "is not a known allergy code"),
        ("patient.potential_reason", "vasectomy", "is not a known potential reason"),
        ("counselling", ["teratogenicity", "diet"], "is not a known counselling code"),
        ("product.excipients", ["Soya Bean Oil"], "expected an excipient code"),
        ("product.excipients", None, "missing"),
        ("product.name", "", "empty"),
        ("visit.kind", "review", "is not a known visit kind"),
        ("visit.date", "2026-10-1", "not a valid date"),
        ("visit.date", "20261012", "not a valid date"),
        ("visit.date", "2026-02-30", "not a valid date"),
        ("visit", None, "missing"),
        ("format", "isoface-check/2", "expected 'isoface-check/1'"),
        ("profile", "ca-health", "is not a known profile id or family"),
        ("indication_confirmed", "true", "expected true or false"),
        ("second_prescriber", 7, "expected text, got a number"),
    ],
)
def test_bad_values_name_the_field(path: str, value: Any, message: str) -> None:
    lines = problems(changed(path, value))
    assert len(lines) == 1, lines
    assert lines[0].startswith(path) and message in lines[0], lines


def test_nan_and_infinity_are_errors() -> None:
    text = json.dumps(make()).replace('"weight_kg": 71.5', '"weight_kg": NaN')
    text = text.replace('"cumulative_mg": 0', '"cumulative_mg": Infinity')
    lines = problems(json.loads(text, object_pairs_hook=json_object_hook))
    assert [line.split(":")[0] for line in lines] == ["patient.weight_kg", "course.cumulative_mg"]
    assert all("finite" in line for line in lines)


def test_whole_numbers_written_as_floats_are_integers() -> None:
    visit = parsed(changed("dose.days_supply", 30.0))
    assert visit.dose is not None and visit.dose.days_supply == 30
    assert isinstance(visit.dose.days_supply, int)
    assert parsed(changed("phq9", [2.0] * 9)).phq9 == (2,) * 9


def test_empty_text_counts_as_null_and_null_means_the_default() -> None:
    data = make("eu-ppp-2018", "follow-up", patient__potential_reason="", phq9_action=" ",
                medications=[{"name": "Cetirizine", "route": "", "daily_iu": None}],
                contraception__no_risk_agreement="", second_prescriber="")  # fmt: skip
    for key in ("conditions", "allergies", "pregnant", "breastfeeding"):
        data["patient"][key] = None
    for key in ("course", "labs", "counselling", "sexual_function_assessed", "phq9_baseline_total"):
        data[key] = None
    visit = parsed(data)
    assert visit.patient.potential_reason is None and visit.phq9_action is None
    assert visit.medications[0].route == "oral"
    assert visit.contraception.no_risk_agreement is None and visit.second_prescriber is None
    assert visit.patient.conditions == () and visit.patient.pregnant is False
    assert visit.course == Course() and visit.labs == () and visit.counselling == ()
    del data["medications"][0]["route"]
    del data["phq9"]
    assert parsed(data).phq9 is None


@pytest.mark.parametrize(
    "path",
    ["pregnancy_tests[0].date", "labs[0].date", "contraception.methods[0].start_date",
     "course.previous_course_end"],
)  # fmt: skip
def test_dates_after_the_visit_are_errors(path: str) -> None:
    assert parsed(changed(path, days_before(0)))
    lines = problems(changed(path, days_before(-1)))
    assert lines == [f"{path}: 2026-10-13 is after the visit date 2026-10-12"]


def test_birth_date_checks_do_not_echo_the_birth_date() -> None:
    lines = problems(changed("patient.birth_date", "2026-10-13"))
    assert lines == ["patient.birth_date: after the visit date 2026-10-12"]
    assert problems(changed("patient.birth_date", "1905-10-12")) == [
        "patient.birth_date: age on the visit date is above 120"]  # fmt: skip
    assert parsed(changed("patient.birth_date", "1905-10-13")).patient.birth_date.year == 1905
    assert "1998-13" not in problems(changed("patient.birth_date", "1998-13-03"))[0]


def test_uk_family_before_2023_10_31_is_an_input_error_but_the_exact_id_is_not() -> None:
    data = make("uk-mhra", visit__date="2023-10-30", patient__birth_date="1990-01-01")
    data.update(pregnancy_tests=[], labs=[], contraception=None)
    assert problems(data) == [
        "profile: uk-mhra has no version in force on 2023-10-30 "
        "(the first, uk-mhra-2023, starts on 2023-10-31)"
    ]
    data["profile"] = "uk-mhra-2023"
    assert parsed(data).profile == "uk-mhra-2023"
    data["profile"] = "uk-mhra"
    data["visit"]["date"] = "2023-10-31"
    assert parsed(data).profile == "uk-mhra"


@pytest.mark.parametrize("kind", ["initiation", "follow-up"])
def test_product_and_dose_required_for_initiation_and_follow_up(kind: str) -> None:
    data = make(kind=kind, product=None)
    del data["dose"]
    assert problems(data) == ["product: missing", "dose: missing"]
    end = make(kind="end-of-course")
    assert parsed(end).dose is None and parsed(end).product is None


def test_keys_given_twice_are_errors() -> None:
    text = json.dumps(make()).replace('"weight_kg": 71.5', '"weight_kg": 71.5, "weight_kg": 70')
    lines = problems(json.loads(text, object_pairs_hook=json_object_hook))
    assert lines == ["patient.weight_kg: given more than once"]


@pytest.mark.parametrize("value", [[], "visit", 3, None])
def test_root_must_be_an_object(value: Any) -> None:
    assert problems(value)[0].startswith("input: expected an object")


def test_every_problem_at_once() -> None:
    data = make()
    data["patient"]["weight_kg"] = 5
    data["visit"]["kind"] = "later"
    data["labs"][0]["uln"] = None
    data["extra"] = 1
    data["pregnancy_tests"][0]["setting"] = "shop"
    assert [line.split(":")[0] for line in problems(data)] == [
        "extra",
        "visit.kind",
        "patient.weight_kg",
        "pregnancy_tests[0].setting",
        "labs[0].uln",
    ]


def test_other_excipients_are_allowed_as_lowercase_hyphenated_codes() -> None:
    visit = parsed(changed("product.excipients", ["titanium-dioxide", "e172", "gelatin"]))
    assert visit.product is not None and "titanium-dioxide" in visit.product.excipients


def test_text_is_stripped() -> None:
    visit = parsed(changed("medications[0].name", "  Cetirizine  "))
    assert visit.medications[0].name == "Cetirizine"


def test_a_bad_visit_date_does_not_hide_other_problems() -> None:
    data = make(kind="follow-up", visit__date="yesterday", product=None)
    data["pregnancy_tests"][0]["setting"] = "shop"
    assert [line.split(":")[0] for line in problems(data)] == [
        "visit.date", "product", "pregnancy_tests[0].setting"]  # fmt: skip
