"""Checklists and the PHQ-9 under forms/: validation, dependencies, the mapping to the
check-format visit and back, and field paths to questions."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from isoface_desk.config import PROJECT_ROOT
from isoface_desk.domain.catalog import Catalog, load_catalog, resolve_profile
from isoface_desk.domain.check_input import parse_visit
from isoface_desk.domain.checklist import (
    FIELD_SPECS,
    Form,
    FormRefs,
    VisitContext,
    answers_to_visit_dict,
    choices,
    context_from_visit_dict,
    form_signers,
    load_checklists,
    load_questionnaire,
    locate_field,
    question_for_field,
    refs_from_catalog,
    shown,
    unanswered_required,
    visible_fields,
    visible_questions,
    visible_sections,
    visit_dict_to_answers,
)
from isoface_desk.domain.engine import evaluate
from isoface_desk.domain.phq9 import band_of
from isoface_desk.domain.visit import visit_to_dict
from isoface_desk.errors import FormDataError, InputError

FORMS = PROJECT_ROOT / "forms"
CHECKLIST_FILES = sorted((FORMS / "checklists").glob("*.toml"))
VISIT = date(2026, 10, 12)
ADULT = date(1998, 7, 3)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(FORMS)


@pytest.fixture(scope="module")
def refs(catalog: Catalog) -> FormRefs:
    return refs_from_catalog(catalog)


@pytest.fixture(scope="module")
def forms(refs: FormRefs) -> dict[str, Form]:
    return load_checklists(FORMS, refs)


def ctx(profile: str = "uk-mhra-2026", birth: date | None = ADULT, **kw: Any) -> VisitContext:
    return VisitContext(profile, VISIT, birth, **kw)


def ids(questions: list[Any]) -> list[str]:
    return [q.id for q in questions]


ALL_COUNSELLING = [
    "teratogenicity", "contraception", "pregnancy-testing", "mental-health", "sexual-function",
    "blood-donation", "no-sharing", "cosmetic-procedures", "sun-protection", "night-vision",
    "musculoskeletal", "red-flag-symptoms", "alcohol", "vitamin-a", "dry-skin-care",
    "take-with-food", "missed-dose", "time-to-reflect", "second-opinion",
]  # fmt: skip


def full_initiation() -> dict[str, Any]:
    """A complete UK initiation for a patient who can get pregnant (as the UI fills it)."""
    return {
        "indication_confirmed": True,
        "pregnancy_potential": True,
        "pregnant": False,
        "breastfeeding": False,
        "allergies": [],
        "medications": [{"name": "Cetirizine 10 mg", "route": "oral"}, {"name": "  "}],
        "conditions": [],
        "phq9": {"items": [1, 0, 1, 1, 0, 0, 0, 0, 0], "difficulty": 1},
        "sexual_function_assessed": True,
        "contraception_methods": [{"code": "ius", "start_date": date(2025, 1, 20)}],
        "no_risk_agreement": "",
        "pregnancy_tests": [
            {
                "date": date(2026, 10, 12),
                "result": "negative",
                "setting": "clinic",
                "verification": "ignored: hidden for a clinic test",
            },
        ],
        "labs": [
            {"test": "ALT", "date": date(2026, 9, 30), "value": 31, "unit": "U/L", "uln": 45},
            {"test": "TG", "date": date(2026, 9, 30), "value": 104, "unit": "mg/dL", "uln": 9},
        ],
        "weight_kg": 71.5,
        "product_name": "Isoface 20 mg",
        "product_excipients": ["soya-bean-oil", "gelatin", "glycerol"],
        "mg_per_day": 40,
        "days_supply": 28,
        "counselling": ALL_COUNSELLING,
        "consent_signed": True,
        "patient_signature": b"\x89PNG...",
    }


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("path", CHECKLIST_FILES, ids=lambda p: p.name)
def test_every_checklist_file_validates_against_the_catalog(path: Path, refs: FormRefs) -> None:
    from isoface_desk.domain.checklist import load_form_file

    form = load_form_file(path, refs)
    assert form.id == form.kind == path.stem
    assert form.version
    assert form.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert form.source == f"checklists/{path.name}"


def test_checklists_by_kind_with_sections_in_order(forms: dict[str, Form]) -> None:
    assert list(forms) == ["initiation", "follow-up", "end-of-course"]
    assert [s.id for s in forms["initiation"].sections] == [
        "indication", "pregnancy-potential", "allergies", "medicines", "conditions",
        "mental-health", "sexual-function", "contraception", "pregnancy-tests", "labs",
        "product-dose", "counselling", "consent",
    ]  # fmt: skip
    assert "indication" not in {s.id for s in forms["follow-up"].sections}
    assert "consent" not in {s.id for s in forms["follow-up"].sections}
    assert "product-dose" not in {s.id for s in forms["end-of-course"].sections}


def test_code_lists_referenced_by_the_forms_exist_in_forms_codes(
    forms: dict[str, Form], refs: FormRefs
) -> None:
    used = {
        q.codes
        for form in forms.values()
        for top in form.questions()
        for q in (top, *top.fields)
        if q.codes
    }
    assert used == set(refs.code_lists) - {"x"}
    assert all(refs.code_lists[name] for name in used)


def test_phq9_is_the_official_text() -> None:
    q = load_questionnaire(FORMS, "phq9")
    assert q.stem == (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    )
    assert [i.text for i in q.items] == [
        "Little interest or pleasure in doing things",
        "Feeling down, depressed, or hopeless",
        "Trouble falling or staying asleep, or sleeping too much",
        "Feeling tired or having little energy",
        "Poor appetite or overeating",
        "Feeling bad about yourself — or that you are a failure or have let yourself or your "
        "family down",
        "Trouble concentrating on things, such as reading the newspaper or watching television",
        "Moving or speaking so slowly that other people could have noticed? Or the opposite — "
        "being so fidgety or restless that you have been moving around a lot more than usual",
        "Thoughts that you would be better off dead or of hurting yourself in some way",
    ]
    assert [(a.value, a.label) for a in q.answers] == [
        (0, "Not at all"), (1, "Several days"), (2, "More than half the days"),
        (3, "Nearly every day"),
    ]  # fmt: skip
    assert q.alert_items() == (9,)
    assert q.difficulty is not None and q.difficulty.optional
    assert q.difficulty.text.startswith("If you checked off any problems, how difficult")
    assert [a.label for a in q.difficulty.answers] == [
        "Not difficult at all",
        "Somewhat difficult",
        "Very difficult",
        "Extremely difficult",
    ]
    assert "No permission required to reproduce, translate, display or distribute." in q.copyright
    assert "Kroenke" in q.reference and q.version
    path = FORMS / "questionnaires" / "phq9.toml"
    assert q.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_phq9_bands_agree_with_the_scoring_module() -> None:
    q = load_questionnaire(FORMS, "phq9")
    assert q.max_total == 27
    assert [q.band(total).name for total in range(28)] == [band_of(t) for t in range(28)]


# --------------------------------------------------------------------------- dependencies


def test_can_get_pregnant_shows_contraception_and_tests(forms: dict[str, Form]) -> None:
    form = forms["initiation"]
    shown_ids = ids(visible_questions(form, {"pregnancy_potential": True}, ctx()))
    assert "potential_reason" not in shown_ids
    assert {"contraception_methods", "pregnancy_tests", "no_risk_agreement"} <= set(shown_ids)
    assert "abstinence_commitment" not in shown_ids  # a US-only answer
    us = ids(visible_questions(form, {"pregnancy_potential": True}, ctx("us-ipledge-2026")))
    assert "abstinence_commitment" in us and "no_risk_agreement" not in us


def test_cannot_get_pregnant_asks_the_reason_and_hides_tests(forms: dict[str, Form]) -> None:
    form = forms["initiation"]
    answers: dict[str, Any] = {"pregnancy_potential": False}
    shown_ids = ids(visible_questions(form, answers, ctx()))
    assert "potential_reason" in shown_ids and "hormonal_other_use" in shown_ids
    assert "contraception_methods" not in shown_ids
    assert "pregnancy-tests" not in [s.id for s in visible_sections(form, answers, ctx())]
    assert "potential_reason" in ids(unanswered_required(form, answers, ctx()))
    answers["hormonal_other_use"] = True
    assert "contraception_methods" in ids(visible_questions(form, answers, ctx()))


def test_a_condition_on_a_hidden_question_sees_it_unanswered(forms: dict[str, Form]) -> None:
    form = forms["initiation"]
    answers = {"pregnancy_potential": True, "hormonal_other_use": True}
    shown_ids = ids(visible_questions(form, answers, ctx()))
    assert "hormonal_other_use" not in shown_ids and "contraception_methods" in shown_ids
    answers = {"pregnancy_potential": None, "hormonal_other_use": True}
    assert "contraception_methods" not in ids(visible_questions(form, answers, ctx()))


@pytest.mark.parametrize(
    ("profile", "birth", "shown"),
    [
        ("uk-mhra-2023", date(2008, 10, 13), True),  # 18 tomorrow
        ("uk-mhra-2023", date(2008, 10, 12), False),  # 18 today
        ("uk-mhra-2026", date(2008, 10, 13), False),  # dropped in 2026
        ("eu-ppp-2018", date(2010, 1, 1), False),
        ("uk-mhra-2023", None, True),  # an unknown age shows more, not less
    ],
)
def test_second_prescriber_only_under_18_under_uk_2023(
    forms: dict[str, Form], profile: str, birth: date | None, shown: bool
) -> None:
    questions = visible_questions(forms["initiation"], {}, ctx(profile, birth))
    assert ("second_prescriber" in ids(questions)) is shown
    assert ("guardian_signature" in ids(questions)) is (birth != date(2008, 10, 12))


@pytest.mark.parametrize(
    ("kind", "birth", "signers"),
    [
        ("initiation", ADULT, ("patient",)),
        ("initiation", date(2010, 1, 1), ("patient", "guardian")),
        ("initiation", None, ("patient", "guardian")),  # unknown age: ask for more
        ("follow-up", date(2010, 1, 1), ()),
        ("end-of-course", date(2010, 1, 1), ()),
    ],
)
def test_drawn_signatures_are_asked_only_where_the_form_has_them(
    forms: dict[str, Form], kind: str, birth: date | None, signers: tuple[str, ...]
) -> None:
    asked = form_signers(forms[kind], {}, ctx(birth=birth))
    assert asked.asked == signers and asked.required == signers


def test_profile_requirements(forms: dict[str, Form]) -> None:
    form = forms["initiation"]
    base = {"pregnancy_potential": False}
    missing_uk = ids(unanswered_required(form, base, ctx("uk-mhra-2023")))
    missing_us = ids(unanswered_required(form, base, ctx("us-ipledge-2023")))
    missing_eu = ids(unanswered_required(form, base, ctx("eu-ppp-2018")))
    assert "sexual_function_assessed" in missing_uk
    assert "sexual_function_assessed" not in missing_us + missing_eu
    assert "consent_signed" in missing_uk and "consent_signed" in missing_us
    assert "consent_signed" not in missing_eu  # EU: only for patients who can get pregnant
    eu_potential = {"pregnancy_potential": True}
    assert "consent_signed" in ids(unanswered_required(form, eu_potential, ctx("eu-ppp-2018")))


@pytest.mark.parametrize(
    ("items", "shown"),
    [([0] * 9, False), ([0] * 8 + [1], True), ([None] * 8 + [2], True), (None, False)],
)
def test_self_harm_action_follows_item_9(
    forms: dict[str, Form], items: list[int | None] | None, shown: bool
) -> None:
    answers = {"phq9": None if items is None else {"items": items}}
    form = forms["follow-up"]
    assert ("phq9_action" in ids(visible_questions(form, answers, ctx()))) is shown
    assert ("phq9_action" in ids(unanswered_required(form, answers, ctx()))) is shown


def test_record_sub_fields_depend_on_their_own_record(forms: dict[str, Form]) -> None:
    form = forms["initiation"]
    tests = form.question("pregnancy_tests")
    assert "verification" not in ids(visible_fields(tests, {"setting": "clinic"}, ctx()))
    assert "verification" in ids(visible_fields(tests, {"setting": "home"}, ctx()))
    labs = form.question("labs")
    assert "uln" in ids(visible_fields(labs, {"test": "AST"}, ctx()))
    assert "uln" not in ids(visible_fields(labs, {"test": "TG"}, ctx()))
    answers = {"labs": [{"test": "ALT", "date": VISIT, "value": 20, "unit": "U/L"}]}
    assert "labs" in ids(unanswered_required(form, answers, ctx()))  # the ULN is missing
    answers["labs"][0]["uln"] = 40
    assert "labs" not in ids(unanswered_required(form, answers, ctx()))


def test_a_full_initiation_leaves_nothing_unanswered(forms: dict[str, Form]) -> None:
    assert unanswered_required(forms["initiation"], full_initiation(), ctx()) == []


# --------------------------------------------------------------------------- answers -> visit


def test_full_initiation_gives_a_visit_the_engine_clears(
    forms: dict[str, Form], catalog: Catalog
) -> None:
    data = answers_to_visit_dict(forms["initiation"], full_initiation(), ctx())
    json.dumps(data)  # plain JSON data
    assert data["profile"] == "uk-mhra-2026"
    assert data["visit"] == {"date": "2026-10-12", "kind": "initiation"}
    assert data["medications"] == [{"name": "Cetirizine 10 mg", "route": "oral"}]  # blank row
    assert data["pregnancy_tests"][0].get("verification") is None  # hidden sub-field
    assert "uln" not in data["labs"][1]  # hidden for TG
    assert data["dose"] == {"mg_per_day": 40, "days_supply": 28, "refills": 0}  # default
    assert data["phq9"] == [1, 0, 1, 1, 0, 0, 0, 0, 0]
    assert "no_risk_agreement" not in data["contraception"]  # empty text is no answer
    visit = parse_visit(data, catalog)
    result = evaluate(visit, catalog)
    assert result.verdict == "clear", result.findings


def test_full_initiation_matches_the_shared_clear_example(
    forms: dict[str, Form], catalog: Catalog, examples_dir: Path
) -> None:
    example = json.loads((examples_dir / "uk-initiation-clear.json").read_text())
    exact = resolve_profile(catalog, example["profile"], VISIT).id
    data = answers_to_visit_dict(forms["initiation"], full_initiation(), ctx())
    ours = parse_visit(data, catalog)
    theirs = dataclasses.replace(parse_visit(example, catalog), profile=exact)
    assert visit_to_dict(ours) == visit_to_dict(theirs)


@pytest.mark.parametrize(
    "name",
    [
        "uk-initiation-clear.json",
        "us-follow-up-minocycline-stale-test.json",
        "eu-initiation-self-harm-high-dose.json",
    ],
)
def test_shared_examples_round_trip_through_their_form(
    forms: dict[str, Form], catalog: Catalog, examples_dir: Path, name: str
) -> None:
    example = json.loads((examples_dir / name).read_text())
    form = forms[example["visit"]["kind"]]
    context = context_from_visit_dict(example)
    answers = visit_dict_to_answers(form, example)
    rebuilt = answers_to_visit_dict(form, answers, context)
    before, after = parse_visit(example, catalog), parse_visit(rebuilt, catalog)
    flat_before, flat_after = _flat(visit_to_dict(before)), _flat(visit_to_dict(after))
    covered = {q.field for q in form.questions() if q.field} | {"patient.birth_date", "course"}
    for path, value in flat_before.items():
        if any(path == f or path.startswith(f + ".") for f in covered):
            assert flat_after[path] == value, path
    visible = shown(form, answers, context).answers
    assert shown(form, visit_dict_to_answers(form, rebuilt), context).answers == visible
    expected = json.loads((examples_dir / "expected.json").read_text())[name]
    assert sorted(evaluate(after, catalog).codes()) == sorted(expected["block"] + expected["warn"])


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flat(value, path + "."))
        else:
            out[path] = value
    return out


def test_answers_round_trip(forms: dict[str, Form]) -> None:
    form = forms["initiation"]
    answers = full_initiation()
    back = visit_dict_to_answers(form, answers_to_visit_dict(form, answers, ctx()))
    unfilled = ("patient_signature", "no_risk_agreement")
    expected = {k: v for k, v in answers.items() if k not in unfilled}
    expected["medications"] = [{"name": "Cetirizine 10 mg", "route": "oral"}]
    expected["pregnancy_tests"] = [{"date": VISIT, "result": "negative", "setting": "clinic"}]
    expected["labs"][1] = {k: v for k, v in expected["labs"][1].items() if k != "uln"}
    expected["phq9"] = {"items": [1, 0, 1, 1, 0, 0, 0, 0, 0], "difficulty": None}
    expected["refills"] = 0
    assert back == expected


def test_hidden_answers_fill_nothing(forms: dict[str, Form], catalog: Catalog) -> None:
    answers = full_initiation() | {"pregnancy_potential": False, "potential_reason": "hysterectomy"}
    data = answers_to_visit_dict(forms["initiation"], answers, ctx())
    assert "pregnancy_tests" not in data and "contraception" not in data
    assert data["patient"]["potential_reason"] == "hysterectomy"
    assert evaluate(parse_visit(data, catalog), catalog).verdict == "clear"


def test_incomplete_phq9_counts_as_missing(forms: dict[str, Form], catalog: Catalog) -> None:
    answers = full_initiation() | {"phq9": {"items": [1, 0, None, 0, 0, 0, 0, 0, 0]}}
    data = answers_to_visit_dict(forms["initiation"], answers, ctx())
    assert "phq9" not in data
    assert "PHQ9_MISSING" in evaluate(parse_visit(data, catalog), catalog).codes()


def test_context_values_fill_unasked_fields_and_answers_override(forms: dict[str, Form]) -> None:
    context = ctx(cumulative_mg=2240, phq9_baseline_total=3, previous_course_end=date(2024, 1, 2))
    data = answers_to_visit_dict(forms["follow-up"], {}, context)
    assert data["course"] == {"cumulative_mg": 2240, "previous_course_end": "2024-01-02"}
    assert data["phq9_baseline_total"] == 3
    data = answers_to_visit_dict(forms["follow-up"], {"phq9_baseline_total": 7}, context)
    assert data["phq9_baseline_total"] == 7


def _unknown_key_problems(path: str, catalog: Catalog) -> list[str]:
    data: dict[str, Any] = {
        "format": "isoface-check/1", "profile": "uk-mhra",
        "visit": {"date": "2026-10-12", "kind": "end-of-course"},
        "patient": {"birth_date": "1990-01-01", "weight_kg": 60, "pregnancy_potential": False},
    }  # fmt: skip
    parent, _, last = path.rpartition(".")
    (data.setdefault(parent, {}) if parent else data).setdefault(last, None)
    try:
        parse_visit(data, catalog)
    except InputError as exc:
        return [p for p in exc.problems if p.endswith("unknown key")]
    return []


def test_every_field_spec_is_a_field_parse_visit_knows(catalog: Catalog) -> None:
    assert _unknown_key_problems("patient.pregnancy_potentail", catalog)  # the probe works
    for path in FIELD_SPECS:
        assert _unknown_key_problems(path, catalog) == [], path


def test_follow_up_and_end_of_course_give_visits_the_engine_reads(
    forms: dict[str, Form], catalog: Catalog
) -> None:
    follow_up = {
        k: v for k, v in full_initiation().items()
        if k in {q.id for q in forms["follow-up"].questions()}
    } | {"phq9": [3, 3, 2, 1, 1, 0, 0, 0, 0]}  # fmt: skip
    context = ctx(cumulative_mg=2240, phq9_baseline_total=2)
    data = answers_to_visit_dict(forms["follow-up"], follow_up, context)
    result = evaluate(parse_visit(data, catalog), catalog)
    assert result.codes() == ("PHQ9_MODERATE_OR_WORSE", "PHQ9_RISE")
    end = {
        "last_dose_date": date(2026, 10, 1),
        "weight_kg": 70,
        "pregnancy_potential": False,
        "potential_reason": "hysterectomy",
        "pregnant": False,
        "phq9": [0] * 8 + [1],
    }
    data = answers_to_visit_dict(forms["end-of-course"], end, ctx())
    assert "dose" not in data and "product" not in data
    result = evaluate(parse_visit(data, catalog), catalog)
    assert result.codes() == ("PHQ9_SELF_HARM",)  # blocks while no action is recorded
    data = answers_to_visit_dict(
        forms["end-of-course"], end | {"phq9_action": "Seen by the crisis team"}, ctx()
    )
    assert evaluate(parse_visit(data, catalog), catalog).codes("block") == ()


def test_choices_come_from_the_catalog_with_patient_text(
    forms: dict[str, Form], catalog: Catalog
) -> None:
    form = forms["initiation"]
    counselling = choices(form.question("counselling"), catalog)
    assert [o.value for o in counselling] == ALL_COUNSELLING
    assert all(o.label and o.detail for o in counselling)
    reasons = choices(form.question("potential_reason"), catalog)
    assert {o.value for o in reasons} == set(catalog.codes.reasons)
    route = form.question("medications").sub("route")
    assert route is not None
    assert [o.value for o in choices(route, catalog)] == ["oral", "topical", "injection", "inhaled"]


# --------------------------------------------------------------------------- field -> question


@pytest.mark.parametrize(
    ("path", "question", "index", "sub"),
    [
        ("medications[1]", "medications", 1, None),
        ("medications[0].route", "medications", 0, "route"),
        ("contraception.methods[0].start_date", "contraception_methods", 0, "start_date"),
        ("contraception", "contraception_methods", None, None),
        ("pregnancy_tests", "pregnancy_tests", None, None),
        ("dose.mg_per_day", "mg_per_day", None, None),
        ("dose", "mg_per_day", None, None),
        ("patient.weight_kg", "weight_kg", None, None),
        ("phq9[8]", "phq9", 8, None),
        ("labs[2].uln", "labs", 2, "uln"),
        ("product.excipients[1]", "product_excipients", 1, None),
    ],
)
def test_field_paths_locate_their_question(
    forms: dict[str, Form], path: str, question: str, index: int | None, sub: str | None
) -> None:
    found = locate_field(forms["initiation"], path)
    assert found is not None
    assert (found.question.id, found.index, found.sub and found.sub.id) == (question, index, sub)
    assert found.section.id == forms["initiation"].section_of(question).id


def test_context_fields_have_no_question(forms: dict[str, Form]) -> None:
    assert question_for_field(forms["initiation"], "patient.birth_date") is None
    assert question_for_field(forms["end-of-course"], "dose.mg_per_day") is None


def test_every_finding_and_input_error_leads_to_a_question(
    forms: dict[str, Form], catalog: Catalog
) -> None:
    form = forms["initiation"]
    bad = full_initiation() | {
        "indication_confirmed": False, "pregnant": True, "breastfeeding": True,
        "allergies": ["soya", "retinoids"],
        "conditions": ["hepatic-insufficiency", "hyperlipidaemia", "depression-history",
                       "inflammatory-bowel-disease", "hypervitaminosis-a"],
        "medications": [{"name": "Doxycycline"}, {"name": "St John's wort"},
                        {"name": "Acitretin"}, {"name": "Vitamin A"}, {"name": "Prednisolone"},
                        {"name": "Phenytoin"}, {"name": "Methotrexate"}],
        "phq9": [3, 3, 3, 3, 3, 3, 3, 3, 3], "sexual_function_assessed": False,
        "contraception_methods": [{"code": "combined-pill", "start_date": VISIT}],
        "pregnancy_tests": [{"date": date(2026, 9, 1), "result": "negative", "setting": "home"}],
        "labs": [{"test": "TG", "date": VISIT, "value": 10, "unit": "mmol/L"},
                 {"test": "ALT", "date": VISIT, "value": 200, "unit": "U/L", "uln": 40}],
        "mg_per_day": 200, "days_supply": 60, "refills": 2, "counselling": [],
        "consent_signed": False, "previous_course_end": date(2026, 9, 1),
    }  # fmt: skip
    result = evaluate(parse_visit(answers_to_visit_dict(form, bad, ctx()), catalog), catalog)
    assert len(result.findings) >= 25
    for finding in result.findings:
        assert question_for_field(form, finding.field) is not None, finding
    assert question_for_field(form, "course.cumulative_mg") == form.question("mg_per_day")
    broken = bad | {"weight_kg": 5, "labs": [{"test": "ALT", "value": -1, "unit": "U/L"}]}
    with pytest.raises(InputError) as info:
        parse_visit(answers_to_visit_dict(form, broken, ctx()), catalog)
    for problem in info.value.problems:
        assert question_for_field(form, problem.split(":")[0]) is not None, problem


# --------------------------------------------------------------------------- broken copies


def broken_forms(tmp_path: Path, name: str, old: str, new: str) -> Path:
    copy = tmp_path / "forms"
    shutil.copytree(FORMS, copy)
    path = copy / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


BROKEN = [
    ('field = "patient.pregnancy_potential"', 'field = "patient.pregnancy_potentail"',
     "sections[1].questions[0].field: 'patient.pregnancy_potentail' is not a check-format field"),
    ('codes = "counselling"\nfield', 'codes = "counseling"\nfield',
     "sections[11].questions[0].codes: 'counseling' is not one of"),
    ('when = { answer = "pregnancy_potential", equals = false }',
     'when = { answer = "weight_kg", at_least = 1 }',
     "sections[1].questions[1].when.answer: 'weight_kg' is not an earlier question"),
    ('label = "Is the patient pregnant?"', 'lable = "Is the patient pregnant?"',
     "sections[1].questions[2].lable: unknown key"),
    ('id = "pregnancy_potential"\nlabel = "Can the patient get pregnant?"\n',
     'id = "pregnancy_potential"\nlabel = "Can the patient get pregnant?"\nunit = "kg"\n',
     "sections[1].questions[0].unit: does not apply to a bool question"),
    ('type = "bool"\nfield = "patient.pregnancy_potential"',
     'type = "text"\nfield = "patient.pregnancy_potential"',
     "sections[1].questions[0].field: a text question cannot fill patient.pregnancy_potential"),
    ('field = "patient.breastfeeding"', 'field = "patient.pregnant"',
     "sections[1].questions[3].field: patient.pregnant is already filled by question 'pregnant'"),
    ('profiles = ["uk-mhra-2023"]', 'profiles = ["uk-mhra-2024"]',
     "sections[12].questions[1].when.profiles[0]: 'uk-mhra-2024' matches no profile id"),
    ('{ value = "remote-supervised", label = "Remote, supervised" }',
     '{ value = "remote", label = "Remote, supervised" }',
     "sections[8].questions[0].fields[2].options[2].value: 'remote' is not one of"),
    ('when = { answer = "pregnancy_potential", equals = false }',
     'when = { answer = "pregnancy_potential", equals = "no" }',
     "sections[1].questions[1].when.equals: 'no' is not a possible answer to 'pregnancy_pot"),
    ('required_when = { answer = "setting", equals = "home" }',
     'required_when = { answer = "setting", equals = "hme" }',
     "sections[8].questions[0].fields[3].required_when.equals: 'hme' is not a possible answer"),
    ('questionnaire = "phq9"', 'questionnaire = "phq8"',
     "sections[5].questions[0].questionnaire: 'phq8' is not one of phq9"),
    ('field = "start_date"\nrequired', 'field = "started"\nrequired',
     "sections[7].questions[1].fields[1].field: 'started' is not a key of this record"),
    ('when = { answer = "phq9", item = 9, at_least = 1 }',
     'when = { answer = "phq9", item = 10, at_least = 1 }',
     "sections[5].questions[1].when.item: must be 1 to 9"),
    ('when = { answer = "phq9", item = 9, at_least = 1 }',
     'when = { answer = "phq9", item = 9 }',
     "sections[5].questions[1].when: an answer needs exactly one of equals, in, at_least"),
    ('field = "patient.weight_kg"', 'field = "course.cumulative_mg"',
     "sections: no question fills patient.weight_kg (docs/check-format.md needs it at initiation)"),
    ('integer = true\nmin = 1\nmax = 365', 'min = 1\nmax = 365',
     "sections[10].questions[4].integer: must be true: dose.days_supply takes a whole number"),
    ("default = 30", "default = 400",
     "sections[10].questions[4].default: 400 is not a valid answer to this question"),
    ('covers = ["course.cumulative_mg"]', 'covers = ["course.cumulative"]',
     "sections[10].questions[3].covers[0]: 'course.cumulative' is not a check-format field"),
    ('covers = ["course.cumulative_mg"]', 'covers = ["dose.refills"]',
     "sections[10].questions[3].covers: dose.refills is filled by question 'refills'"),
    ('id = "initiation"', 'id = "initial"', "id: 'initial' is not one of"),
    ('version = "1.0"\n', "",  "version: missing"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "problem"), BROKEN, ids=[b[2][:40] for b in BROKEN])
def test_a_broken_checklist_names_file_and_key(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    copy = broken_forms(tmp_path, "checklists/initiation.toml", old, new)
    with pytest.raises(FormDataError) as info:
        load_checklists(copy, refs_from_catalog(load_catalog(copy)))
    expected = f"checklists/initiation.toml: {problem}"
    assert any(p.startswith(expected) for p in info.value.problems), info.value.problems


def test_a_missing_checklist_is_named(tmp_path: Path) -> None:
    copy = tmp_path / "forms"
    shutil.copytree(FORMS, copy)
    (copy / "checklists" / "follow-up.toml").unlink()
    with pytest.raises(FormDataError) as info:
        load_checklists(copy)
    assert info.value.problems == ["checklists/: follow-up.toml is missing"]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("[[items]]\nnumber = 9\n", "[[items]]\nnumber = 10\n", "items[8].number: must be 9"),
        ("min = 5\nmax = 9", "min = 6\nmax = 9", "bands[1].min: must be 5"),
        (
            'value = 3\nlabel = "Nearly every day"',
            'value = 4\nlabel = "Nearly every day"',
            "answers: values must run 0, 1, 2, ... in order, got [0, 1, 2, 4]",
        ),
        ('stem = "Over', 'stm = "Over', "stem: missing"),
    ],
)
def test_a_broken_phq9_names_file_and_key(tmp_path: Path, old: str, new: str, problem: str) -> None:
    copy = broken_forms(tmp_path, "questionnaires/phq9.toml", old, new)
    with pytest.raises(FormDataError) as info:
        load_questionnaire(copy, "phq9")
    expected = f"questionnaires/phq9.toml: {problem}"
    assert any(p.startswith(expected) for p in info.value.problems), info.value.problems
