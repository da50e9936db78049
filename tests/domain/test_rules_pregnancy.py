"""PREGNANT, BREASTFEEDING, POTENTIAL_REASON_INVALID and the pregnancy-test rules,
with every window edge per profile."""

from __future__ import annotations

import pytest

from tests.domain.engine_helpers import PROFILES, US, found, make
from tests.domain.engine_helpers import test_entry as entry

WINDOW = {"us-ipledge-2023": 6, "us-ipledge-2026": 6, "eu-ppp-2018": 3, "uk-mhra-2023": 3,
          "uk-mhra-2026": 3}  # fmt: skip
TEST_CODES = {"PREGNANCY_TEST_MISSING", "PREGNANCY_TEST_STALE", "PREGNANCY_TEST_SETTING",
              "SECOND_TEST_MISSING"}  # fmt: skip


@pytest.mark.parametrize("kind", ["initiation", "follow-up", "end-of-course"])
def test_pregnant_blocks_at_every_kind(kind: str) -> None:
    assert found(make(kind=kind, patient__pregnant=True))["PREGNANT"] == "block"
    assert "PREGNANT" not in found(make(kind=kind))


@pytest.mark.parametrize(("days", "fires"), [(0, True), (30, True), (31, False)])
def test_positive_test_within_30_days_means_pregnant(days: int, fires: bool) -> None:
    data = make(kind="follow-up")
    data["pregnancy_tests"].append(entry(days, "positive", "home"))
    assert ("PREGNANT" in found(data)) is fires


def test_positive_test_counts_even_with_a_newer_negative_and_without_potential() -> None:
    data = make(patient__pregnancy_potential=False, patient__potential_reason="hysterectomy")
    data["pregnancy_tests"] = [entry(0), entry(10, "positive")]
    assert found(data) == {"PREGNANT": "block"}


@pytest.mark.parametrize(("kind", "fires"), [("initiation", True), ("follow-up", True),
                                             ("end-of-course", False)])  # fmt: skip
def test_breastfeeding(kind: str, fires: bool) -> None:
    assert ("BREASTFEEDING" in found(make(kind=kind, patient__breastfeeding=True))) is fires


@pytest.mark.parametrize(
    ("profile", "reason", "fires"),
    [
        ("us-ipledge-2026", None, True),
        ("us-ipledge-2026", "sterilisation-confirmed", True),
        ("us-ipledge-2023", "menopause-confirmed", False),
        ("us-ipledge-2023", "no-uterus-or-ovaries", False),
        ("eu-ppp-2018", "sterilisation-confirmed", False),
        ("uk-mhra-2026", "bilateral-oophorectomy", False),
        ("uk-mhra-2023", None, True),
    ],
)
def test_potential_reason(profile: str, reason: str | None, fires: bool) -> None:
    data = make(profile, patient__pregnancy_potential=False, patient__potential_reason=reason)
    data["pregnancy_tests"] = []
    data["contraception"] = None
    codes = found(data)
    assert ("POTENTIAL_REASON_INVALID" in codes) is fires
    assert not codes.keys() & TEST_CODES, "no pregnancy-test rule without potential"
    assert not any(c.startswith("CONTRACEPTION") for c in codes)


def test_potential_reason_not_checked_at_end_of_course_or_when_potential() -> None:
    data = make(kind="end-of-course", patient__pregnancy_potential=False)
    assert "POTENTIAL_REASON_INVALID" not in found(data)
    assert found(make("us-ipledge", patient__potential_reason="sterilisation-confirmed")) == {}


@pytest.mark.parametrize("kind", ["initiation", "follow-up"])
def test_no_negative_test_is_missing(kind: str) -> None:
    data = make(kind=kind)
    data["pregnancy_tests"] = [entry(40, "positive")]
    assert found(data) == {"PREGNANCY_TEST_MISSING": "block"}
    data["pregnancy_tests"] = []
    assert found(data) == {"PREGNANCY_TEST_MISSING": "block"}


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("kind", ["initiation", "follow-up"])
def test_window_edges(profile: str, kind: str) -> None:
    n = WINDOW[profile]
    inside = make(profile, kind)
    inside["pregnancy_tests"] = [entry(n, "negative", "lab"), entry(n + 25, "negative", "lab")]
    assert found(inside) == {}
    outside = make(profile, kind)
    outside["pregnancy_tests"] = [entry(n + 1, "negative", "lab"), entry(n + 25)]
    assert found(outside) == {"PREGNANCY_TEST_STALE": "block"}


def test_no_test_rules_at_end_of_course() -> None:
    data = make(kind="end-of-course")
    data["pregnancy_tests"] = []
    assert found(data) == {}


@pytest.mark.parametrize(
    ("profile", "kind", "setting", "verification", "accepted"),
    [
        ("uk-mhra-2026", "follow-up", "remote-supervised", None, True),
        ("uk-mhra-2023", "follow-up", "remote-supervised", None, True),
        ("uk-mhra-2026", "initiation", "remote-supervised", None, False),
        ("eu-ppp-2018", "follow-up", "remote-supervised", None, False),
        ("us-ipledge-2023", "follow-up", "remote-supervised", None, False),
        ("us-ipledge-2026", "follow-up", "home", "photo reviewed by nurse", True),
        ("us-ipledge-2026", "follow-up", "home", None, False),
        ("us-ipledge-2026", "follow-up", "home", "   ", False),
        ("us-ipledge-2026", "initiation", "home", "video call", False),
        ("us-ipledge-2023", "follow-up", "home", "video call", False),
        ("uk-mhra-2026", "follow-up", "home", "video call", False),
        ("eu-ppp-2018", "initiation", "lab", None, True),
    ],
)
def test_settings(profile: str, kind: str, setting: str, verification: str | None,
                  accepted: bool) -> None:  # fmt: skip
    data = make(profile, kind)
    data["pregnancy_tests"] = [
        entry(1, "negative", setting, verification),
        entry(25, "negative", "lab"),
    ]
    codes = found(data)
    assert ("PREGNANCY_TEST_SETTING" in codes) is not accepted
    assert codes.keys() <= {"PREGNANCY_TEST_SETTING"}


def test_only_one_of_missing_stale_setting() -> None:
    data = make("us-ipledge-2026", "follow-up")
    data["pregnancy_tests"] = [entry(2, "negative", "home"), entry(20, "negative", "clinic")]
    assert found(data) == {"PREGNANCY_TEST_SETTING": "block"}


@pytest.mark.parametrize("profile", US)
@pytest.mark.parametrize(("gap", "fires"), [(19, False), (18, True), (40, False)])
def test_second_test_gap(profile: str, gap: int, fires: bool) -> None:
    data = make(profile)
    data["pregnancy_tests"] = [entry(2, "negative", "clinic"), entry(2 + gap, "negative", "lab")]
    assert found(data) == ({"SECOND_TEST_MISSING": "block"} if fires else {})


def test_second_test_is_measured_from_the_newest_qualifying_test() -> None:
    data = make("us-ipledge-2026")
    # newest accepted test on day 0; the other one 18 days before it, a third 19 days before
    # the day-1 test but that one is not the qualifying test.
    data["pregnancy_tests"] = [entry(0), entry(1), entry(18)]
    assert found(data) == {"SECOND_TEST_MISSING": "block"}
    data["pregnancy_tests"].append(entry(19, "negative", "lab"))
    assert found(data) == {}


def test_second_test_needs_an_accepted_setting_and_a_negative_result() -> None:
    data = make("us-ipledge-2026")
    data["pregnancy_tests"] = [entry(0), entry(25, "negative", "home", "photo")]
    assert found(data) == {"SECOND_TEST_MISSING": "block"}
    data["pregnancy_tests"] = [entry(0), entry(35, "positive", "lab")]
    assert found(data) == {"SECOND_TEST_MISSING": "block"}


@pytest.mark.parametrize("profile", ["eu-ppp-2018", "uk-mhra-2023", "uk-mhra-2026"])
def test_second_test_only_under_us(profile: str) -> None:
    data = make(profile)
    data["pregnancy_tests"] = [entry(0)]
    assert found(data) == {}


def test_second_test_only_at_initiation() -> None:
    data = make("us-ipledge-2023", "follow-up")
    data["pregnancy_tests"] = [entry(0)]
    assert found(data) == {}
