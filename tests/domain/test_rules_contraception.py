"""CONTRACEPTION_MISSING / _INSUFFICIENT / _TOO_RECENT, ST_JOHNS_WORT_HORMONAL and
CONTRACEPTION_SINGLE_METHOD under the US, EU and UK rules."""

from __future__ import annotations

from typing import Any

import pytest

from tests.domain.engine_helpers import EU, PROFILES, UK, US, found, make, med, method

CONTRA = {"CONTRACEPTION_MISSING", "CONTRACEPTION_INSUFFICIENT", "CONTRACEPTION_TOO_RECENT",
          "CONTRACEPTION_SINGLE_METHOD"}  # fmt: skip


def with_contraception(
    profile: str,
    methods: list[dict[str, Any]],
    kind: str = "follow-up",
    abstinence: bool = False,
    agreement: str | None = None,
) -> dict[str, str]:
    data = make(profile, kind)
    data["contraception"] = {"methods": methods, "abstinence_commitment": abstinence,
                             "no_risk_agreement": agreement}  # fmt: skip
    return {c: s for c, s in found(data).items() if c in CONTRA}


@pytest.mark.parametrize("profile", PROFILES)
def test_missing(profile: str) -> None:
    assert with_contraception(profile, []) == {"CONTRACEPTION_MISSING": "block"}
    only_pop = [method("progestogen-only-pill")]
    assert with_contraception(profile, only_pop) == {"CONTRACEPTION_MISSING": "block"}
    assert with_contraception(profile, [], agreement="   ") == {"CONTRACEPTION_MISSING": "block"}
    data = make(profile, "follow-up", contraception=None)
    assert "CONTRACEPTION_MISSING" in found(data)


@pytest.mark.parametrize(
    ("codes", "abstinence", "agreement", "result"),
    [
        (["implant", "male-condom"], False, None, {}),
        (["ring", "combined-pill"], False, None, {}),
        (["implant"], False, None, {"CONTRACEPTION_INSUFFICIENT": "block"}),
        (["implant", "implant"], False, None, {"CONTRACEPTION_INSUFFICIENT": "block"}),
        (
            ["implant", "progestogen-only-pill"],
            False,
            None,
            {"CONTRACEPTION_INSUFFICIENT": "block"},
        ),
        (["male-condom", "diaphragm"], False, None, {"CONTRACEPTION_INSUFFICIENT": "block"}),
        ([], True, None, {}),
        (["male-condom"], True, None, {}),
        ([], False, "no heterosexual intercourse", {"CONTRACEPTION_INSUFFICIENT": "block"}),
    ],
)
def test_us_rule(codes: list[str], abstinence: bool, agreement: str | None,
                 result: dict[str, str]) -> None:  # fmt: skip
    for profile in US:
        assert with_contraception(profile, [method(c) for c in codes], "follow-up",
                                  abstinence, agreement) == result  # fmt: skip


@pytest.mark.parametrize(
    ("codes", "abstinence", "agreement", "result"),
    [
        (["ius", "male-condom"], False, None, {}),
        (["ius", "ring"], False, None, {}),
        (["ring"], False, None, {"CONTRACEPTION_SINGLE_METHOD": "warn"}),
        (["copper-iud"], False, None, {"CONTRACEPTION_SINGLE_METHOD": "warn"}),
        (["ius", "ius"], False, None, {"CONTRACEPTION_SINGLE_METHOD": "warn"}),
        (["ius", "progestogen-only-pill"], False, None, {"CONTRACEPTION_SINGLE_METHOD": "warn"}),
        (["ius"], False, "same-sex relationship", {}),
        (["male-condom"], False, None, {"CONTRACEPTION_INSUFFICIENT": "block"}),
        ([], False, "same-sex relationship", {}),
        ([], True, None, {"CONTRACEPTION_INSUFFICIENT": "block"}),
        (["ius"], True, None, {"CONTRACEPTION_SINGLE_METHOD": "warn"}),
    ],
)
def test_eu_rule(codes: list[str], abstinence: bool, agreement: str | None,
                 result: dict[str, str]) -> None:  # fmt: skip
    for kind in ("initiation", "follow-up"):
        assert with_contraception("eu-ppp-2018", [method(c) for c in codes], kind,
                                  abstinence, agreement) == result  # fmt: skip


@pytest.mark.parametrize(
    ("codes", "abstinence", "agreement", "result"),
    [
        (["copper-iud"], False, None, {}),
        (["partner-vasectomy"], False, None, {}),
        (["ring", "male-condom"], False, None, {}),
        (["ring"], False, None, {"CONTRACEPTION_INSUFFICIENT": "block"}),
        (["ring", "patch"], False, None, {"CONTRACEPTION_INSUFFICIENT": "block"}),
        (["male-condom", "sponge"], False, None, {"CONTRACEPTION_INSUFFICIENT": "block"}),
        (["progestogen-only-pill", "male-condom"], False, None,
         {"CONTRACEPTION_INSUFFICIENT": "block"}),
        ([], False, "not sexually active with men", {}),
        ([], True, None, {"CONTRACEPTION_INSUFFICIENT": "block"}),
    ],
)  # fmt: skip
def test_uk_rule(codes: list[str], abstinence: bool, agreement: str | None,
                 result: dict[str, str]) -> None:  # fmt: skip
    for profile in UK:
        assert with_contraception(profile, [method(c) for c in codes], "initiation",
                                  abstinence, agreement) == result  # fmt: skip


@pytest.mark.parametrize(
    ("profile", "days"), [("us-ipledge-2023", 30), ("us-ipledge-2026", 30), ("eu-ppp-2018", 30),
                          ("uk-mhra-2023", 28), ("uk-mhra-2026", 28)],
)  # fmt: skip
def test_too_recent_edges(profile: str, days: int) -> None:
    old_enough = [method("implant", days), method("male-condom", days)]
    assert with_contraception(profile, old_enough, "initiation") == {}
    recent = [method("implant", days - 1), method("male-condom", days - 1)]
    too_recent = {"CONTRACEPTION_TOO_RECENT": "block"}
    assert with_contraception(profile, recent, "initiation") == too_recent
    assert with_contraception(profile, recent, "follow-up") == {}


def test_too_recent_counts_only_old_methods() -> None:
    # US: the implant is old enough but the condom is new: one method is not enough yet.
    mixed = [method("implant", 400), method("male-condom", 3)]
    assert with_contraception("us-ipledge-2026", mixed, "initiation") == {
        "CONTRACEPTION_TOO_RECENT": "block"
    }
    # UK: the old implant alone is sufficient.
    assert with_contraception("uk-mhra-2026", mixed, "initiation") == {}
    # The same code twice: the older entry counts.
    twice = [method("implant", 3), method("implant", 400), method("male-condom", 400)]
    assert with_contraception("us-ipledge-2026", twice, "initiation") == {}


def test_abstinence_and_agreement_have_no_start_date() -> None:
    assert with_contraception("us-ipledge-2026", [method("ring", 1)], "initiation", True) == {}
    recent = [method("ring", 1)]
    assert with_contraception("uk-mhra-2026", recent, "initiation", agreement="no risk") == {}


@pytest.mark.parametrize("profile", EU)
def test_single_method_not_without_potential(profile: str) -> None:
    data = make(profile, patient__pregnancy_potential=False,
                patient__potential_reason="hysterectomy",
                contraception__methods=[method("ius")])  # fmt: skip
    assert found(data) == {}


def sjw(profile: str, methods: list[str], name: str = "St John's wort 300 mg",
        route: str = "oral", kind: str = "follow-up", **changes: Any) -> bool:  # fmt: skip
    data = make(profile, kind, **changes)
    data["contraception"]["methods"] = [method(c) for c in methods]
    data["medications"].append(med(name, route))
    return "ST_JOHNS_WORT_HORMONAL" in found(data)


@pytest.mark.parametrize("profile", PROFILES)
def test_st_johns_wort_with_hormonal_method(profile: str) -> None:
    assert sjw(profile, ["implant", "male-condom"])
    assert sjw(profile, ["copper-iud", "male-condom", "progestogen-only-pill"])
    assert not sjw(profile, ["copper-iud", "male-condom"])
    assert not sjw(profile, ["implant", "male-condom"], route="topical")
    assert not sjw(profile, ["implant", "male-condom"], kind="end-of-course")


@pytest.mark.parametrize(
    ("name", "fires"),
    [
        ("St John’s Wort 300 mg", True),
        ("ST.  JOHN'S   WORT", True),
        ("Saint John's wort extract", True),
        ("Hypericum perforatum", True),
        ("St Johns wort", True),
        ("Kira 300mg", True),
        ("Johnson's baby oil", False),
        ("hypericumin", False),
    ],
)
def test_st_johns_wort_names(name: str, fires: bool) -> None:
    assert sjw("uk-mhra-2026", ["implant"], name) is fires


def test_st_johns_wort_does_not_depend_on_potential() -> None:
    assert sjw("eu-ppp-2018", ["implant"], patient__pregnancy_potential=False,
               patient__potential_reason="hysterectomy")  # fmt: skip
