"""Medicine classes, VITAMIN_A's warn/block split, allergies, conditions and age."""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.engine_helpers import PROFILES, found, make, med, run

CLASS_CASES = [
    ("Doxycycline 100 mg", "TETRACYCLINE", "block"),
    ("lymecycline", "TETRACYCLINE", "block"),
    ("Oracea 40mg", "TETRACYCLINE", "block"),
    ("OXYTETRACYCLINE", "TETRACYCLINE", "block"),
    ("tigecycline iv", "TETRACYCLINE", "block"),
    ("Acitretin 25 mg", "OTHER_RETINOID", "block"),
    ("Toctino", "OTHER_RETINOID", "block"),
    ("tretinoin capsules", "OTHER_RETINOID", "block"),
    ("Vitamin A 25,000 IU", "VITAMIN_A", "block"),
    ("cod liver oil capsules", "VITAMIN_A", "block"),
    ("Retinyl-palmitate", "VITAMIN_A", "block"),
    ("Prednisolone 5 mg", "CORTICOSTEROID_SYSTEMIC", "warn"),
    ("deflazacort", "CORTICOSTEROID_SYSTEMIC", "warn"),
    ("Phenytoin sodium", "ANTICONVULSANT_BONE", "warn"),
    ("Tegretol retard", "ANTICONVULSANT_BONE", "warn"),
    ("Sodium valproate", "HEPATOTOXIC", "warn"),
    ("valproic  acid", "HEPATOTOXIC", "warn"),
    ("Methotrexate 10 mg weekly", "HEPATOTOXIC", "warn"),
]


def with_meds(*meds: dict[str, Any], kind: str = "follow-up", profile: str = "uk-mhra-2026"
              ) -> dict[str, str]:  # fmt: skip
    data = make(profile, kind)
    data["medications"] = list(meds)
    return found(data)


@pytest.mark.parametrize(("name", "code", "severity"), CLASS_CASES)
def test_class_fires(name: str, code: str, severity: str) -> None:
    assert with_meds(med(name)) == {code: severity}
    assert with_meds(med(name), kind="initiation") == {code: severity}
    assert with_meds(med(name, "injection")) == {code: severity}


@pytest.mark.parametrize(("name", "code", "severity"), CLASS_CASES)
def test_topical_and_end_of_course_match_nothing(name: str, code: str, severity: str) -> None:
    assert with_meds(med(name, "topical")) == {}
    assert with_meds(med(name), kind="end-of-course") == {}


@pytest.mark.parametrize(
    "name",
    ["Multivitamin", "multivitamins daily", "Isotretinoin 20 mg", "Tetracyclinex", "Vitamin AD",
     "Betacarotene", "Cetirizine", "Minocyclineoid"],
)  # fmt: skip
def test_names_that_do_not_match(name: str) -> None:
    assert with_meds(med(name)) == {}


def test_multivitamin_with_vitamin_a_matches() -> None:
    assert with_meds(med("Multivitamin with vitamin A")) == {"VITAMIN_A": "block"}


@pytest.mark.parametrize(
    ("doses", "severity"),
    [
        ([10000], "warn"),
        ([10000.01], "block"),
        ([0], "warn"),
        ([6000, 4000], "warn"),
        ([6000, 4000.5], "block"),
        ([5000, None], "block"),
        ([None], "block"),
    ],
)
def test_vitamin_a_warn_only_with_every_daily_iu_summing_to_at_most_10000(
    doses: list[float | None], severity: str
) -> None:
    meds = [med(f"Vitamin A supplement {i}", daily_iu=d) for i, d in enumerate(doses)]
    assert with_meds(*meds) == {"VITAMIN_A": severity}


def test_topical_vitamin_a_does_not_count_towards_the_sum() -> None:
    meds = [med("Retinol cream", "topical"), med("Vitamin A", daily_iu=5000)]
    assert with_meds(*meds) == {"VITAMIN_A": "warn"}


def test_several_medicines_give_one_finding_naming_all_in_a_stable_order() -> None:
    a, b = med("Minocin 50 mg"), med("doxycycline 100 mg")
    first = run(_visit(a, b)).findings
    second = run(_visit(b, a)).findings
    assert [f.code for f in first] == ["TETRACYCLINE"]
    assert first[0].message == second[0].message
    assert "doxycycline 100 mg" in first[0].message and "Minocin 50 mg" in first[0].message
    assert first[0].field == second[0].field == "medications[1]"  # the first matching entry


def test_one_medicine_can_match_several_classes() -> None:
    assert with_meds(med("Doxycycline + prednisolone pack")) == {
        "TETRACYCLINE": "block", "CORTICOSTEROID_SYSTEMIC": "warn"}  # fmt: skip


def _visit(*meds: dict[str, Any]) -> dict[str, Any]:
    data = make("uk-mhra-2026", "follow-up")
    data["medications"] = [med("Cetirizine"), *meds]
    return data


@pytest.mark.parametrize("allergy", ["isotretinoin", "retinoids", "vitamin-a"])
def test_allergy_isotretinoin(allergy: str) -> None:
    assert found(make(kind="follow-up", patient__allergies=[allergy])) == {
        "ALLERGY_ISOTRETINOIN": "block"}  # fmt: skip
    assert found(make(kind="end-of-course", patient__allergies=[allergy])) == {}


@pytest.mark.parametrize(
    ("allergy", "excipient", "fires"),
    [
        ("soya", "soya-bean-oil", True),
        ("soya", "soybean-lecithin", True),
        ("soya", "arachis-oil", False),
        ("peanut", "soya-bean-oil", True),
        ("peanut", "soybean-lecithin", True),
        ("peanut", "peanut-oil", True),
        ("peanut", "arachis-oil", True),
        ("parabens", "methylparaben", True),
        ("parabens", "propylparaben", True),
        ("parabens", "sorbitol", False),
        ("gelatin", "gelatin", True),
        ("gelatin", "beeswax", False),
    ],
)
def test_allergy_excipient(allergy: str, excipient: str, fires: bool) -> None:
    product = {"name": "Isoface 10 mg", "excipients": [excipient, "glycerol"]}
    data = make(kind="initiation", patient__allergies=[allergy], product=product)
    assert found(data) == ({"ALLERGY_EXCIPIENT": "block"} if fires else {})


@pytest.mark.parametrize(
    ("condition", "code", "severity"),
    [
        ("hepatic-insufficiency", "HEPATIC_INSUFFICIENCY", "block"),
        ("hypervitaminosis-a", "HYPERVITAMINOSIS_A", "block"),
        ("hyperlipidaemia", "HYPERLIPIDAEMIA", "warn"),
        ("depression-history", "PSYCHIATRIC_HISTORY", "warn"),
        ("psychosis-history", "PSYCHIATRIC_HISTORY", "warn"),
        ("self-harm-history", "PSYCHIATRIC_HISTORY", "warn"),
        ("inflammatory-bowel-disease", "IBD_HISTORY", "warn"),
    ],
)
def test_conditions(condition: str, code: str, severity: str) -> None:
    for kind in ("initiation", "follow-up"):
        assert found(make(kind=kind, patient__conditions=[condition, "diabetes"])) == {
            code: severity}  # fmt: skip
    assert found(make(kind="end-of-course", patient__conditions=[condition])) == {}


def test_harmless_conditions_give_nothing() -> None:
    codes = ["diabetes", "obesity", "alcohol-misuse", "family-psychiatric-history", "osteoporosis",
             "anorexia-nervosa"]  # fmt: skip
    assert found(make(patient__conditions=codes)) == {}


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(("birth", "fires"), [("2014-10-12", False), ("2014-10-13", True)])
def test_age_under_12_edge(profile: str, birth: str, fires: bool) -> None:
    data = make(profile, "follow-up", patient__birth_date=birth)
    assert ("AGE_UNDER_12" in found(data)) is fires


def test_leap_day_birthday_counts_from_1_march() -> None:
    data = make("uk-mhra-2026", "follow-up", patient__birth_date="2012-02-29",
                visit__date="2024-02-28")  # fmt: skip
    data["pregnancy_tests"] = [{"date": "2024-02-28", "result": "negative", "setting": "clinic"}]
    data["contraception"]["methods"] = [{"code": "implant", "start_date": "2023-01-01"}]
    data["labs"] = []
    assert "AGE_UNDER_12" in found(data)
    data["visit"]["date"] = "2024-02-29"
    assert "AGE_UNDER_12" not in found(data)
