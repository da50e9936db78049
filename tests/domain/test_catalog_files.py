"""forms/profiles, forms/medicines and forms/codes: every file validates, a broken copy
gives a precise error naming the file and the key, and edited data changes the rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from isoface_desk.config import forms_dir
from isoface_desk.domain.catalog import default_catalog, load_catalog
from isoface_desk.domain.check_input import parse_visit
from isoface_desk.domain.codes import load_code_lists
from isoface_desk.domain.engine import evaluate
from isoface_desk.domain.medicines import load_medicine_class
from isoface_desk.domain.profiles import load_profile
from isoface_desk.errors import FormDataError
from tests.domain.engine_helpers import make
from tests.domain.engine_helpers import test_entry as entry

FORMS = forms_dir()
SUBDIRS = ("profiles", "medicines", "codes")
CODE_FILES = ("contraception-methods", "counselling", "conditions", "allergies", "excipients",
              "potential-reasons")  # fmt: skip
OWN_FILES = sorted(
    [f"profiles/{p.name}" for p in (FORMS / "profiles").glob("*.toml")]
    + [f"medicines/{p.name}" for p in (FORMS / "medicines").glob("*.toml")]
    + [f"codes/{name}.toml" for name in CODE_FILES]
)


@pytest.fixture
def forms_copy(tmp_path: Path) -> Path:
    for sub in SUBDIRS:
        shutil.copytree(FORMS / sub, tmp_path / sub)
    return tmp_path


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_problems(root: Path) -> list[str]:
    with pytest.raises(FormDataError) as raised:
        load_catalog(root)
    return raised.value.problems


def test_the_file_list_covers_every_kind() -> None:
    assert len([f for f in OWN_FILES if f.startswith("profiles/")]) == 5
    assert len([f for f in OWN_FILES if f.startswith("medicines/")]) == 7
    assert len([f for f in OWN_FILES if f.startswith("codes/")]) == 6


@pytest.mark.parametrize("name", OWN_FILES)
def test_every_file_validates(name: str) -> None:
    path = FORMS / name
    if name.startswith("profiles/"):
        assert load_profile(path).id == path.stem
    elif name.startswith("medicines/"):
        assert load_medicine_class(path).id == path.stem
    else:
        load_code_lists(path.parent)
    catalog = default_catalog()
    assert name in catalog.file_hashes()


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("profiles/uk-mhra-2026.toml", "test_window_days = 3", 'test_window_days = "three"',
         "profiles/uk-mhra-2026.toml: pregnancy.test_window_days: expected an integer, "
         "got 'three'"),
        ("profiles/uk-mhra-2026.toml", "test_window_days = 3", "test_window_days = -1",
         "profiles/uk-mhra-2026.toml: pregnancy.test_window_days: must be from 0 to 60, got -1"),
        ("profiles/eu-ppp-2018.toml", 'family = "eu-ppp"', 'family = "eu-ppp"\ncolour = "blue"',
         "profiles/eu-ppp-2018.toml: colour: unknown key"),
        ("profiles/eu-ppp-2018.toml", 'contraception_rule = "EU"', 'contraception_rule = "FR"',
         "profiles/eu-ppp-2018.toml: pregnancy.contraception_rule: 'FR' is not one of US, EU, UK"),
        ("profiles/uk-mhra-2023.toml", "valid_until = 2026-01-21", "valid_until = 2026-01-20",
         "profiles/uk-mhra-2023.toml: valid_until: must be 2026-01-21"),
        ("profiles/us-ipledge-2023.toml", 'id = "us-ipledge-2023"', 'id = "us-ipledge-2024"',
         "profiles/us-ipledge-2023.toml: id: 'us-ipledge-2024' must match the file name"),
        ("profiles/uk-mhra-2026.toml", '"time-to-reflect", "second-opinion"]',
         '"time-to-reflect", "second-opinon"]',
         "profiles/uk-mhra-2026.toml: patient.counselling_required[16]: 'second-opinon' is not "
         "one of"),
        ("profiles/us-ipledge-2026.toml", 'phq9_missing_severity = "warn"',
         'phq9_missing_severity = "stop"',
         "profiles/us-ipledge-2026.toml: mental_health.phq9_missing_severity: 'stop' is not "
         "one of"),
        ("profiles/us-ipledge-2026.toml", "tg_high_mmol_l = 5.0", "tg_high_mmol_l = 9.5",
         "profiles/us-ipledge-2026.toml: labs.tg_high_mmol_l: must be below tg_severe_mmol_l"),
        ("profiles/eu-ppp-2018.toml", "[dose]", "[dose\n",
         "profiles/eu-ppp-2018.toml: not valid TOML"),
        ("medicines/tetracycline.toml", '"doxycycline", ', "",
         "medicines/tetracycline.toml: generic: must include 'doxycycline'"),
        ("medicines/tetracycline.toml", '"Oracea",', "",
         "medicines/tetracycline.toml: generic: must include 'Oracea'"),
        ("medicines/hepatotoxic.toml", 'class = "hepatotoxic"', 'class = "liver"',
         "medicines/hepatotoxic.toml: class: 'liver' is not one of"),
        ("medicines/vitamin-a.toml", "brands = [", "brand = [",
         "medicines/vitamin-a.toml: brand: unknown key"),
        ("codes/contraception-methods.toml", 'class = "user-independent"', 'class = "weird"',
         "codes/contraception-methods.toml: methods[0].class: 'weird' is not one of"),
        ("codes/counselling.toml", 'code = "second-opinion"', 'code = "second_opinion"',
         "codes/counselling.toml: items[18].code: 'second_opinion' must be lower-case words"),
        ("codes/counselling.toml", 'code = "second-opinion"', 'code = "time-to-reflect"',
         "codes/counselling.toml: items: must include 'second-opinion'"),
        ("codes/allergies.toml", 'excipients = ["soya-bean-oil", "soybean-lecithin"]',
         'excipients = ["soya-bean-oil"]',
         "codes/allergies.toml: allergies[3].excipients: must include 'soybean-lecithin'"),
        ("codes/conditions.toml", 'label = "Diabetes"', 'label = ""',
         "codes/conditions.toml: conditions[7].label: must not be empty"),
        ("codes/potential-reasons.toml", 'letter = "a"', "letter = 1",
         "codes/potential-reasons.toml: reasons[0].letter: expected text, got 1"),
    ],
)  # fmt: skip
def test_broken_copy_names_file_and_key(
    forms_copy: Path, name: str, old: str, new: str, expected: str
) -> None:
    edit(forms_copy, name, old, new)
    found = load_problems(forms_copy)
    assert any(p.startswith(expected) for p in found), found


def test_missing_files_and_problems_in_several_files_are_reported_together(
    forms_copy: Path,
) -> None:
    (forms_copy / "profiles" / "us-ipledge-2026.toml").unlink()
    (forms_copy / "medicines" / "hepatotoxic.toml").unlink()
    (forms_copy / "codes" / "excipients.toml").unlink()
    edit(forms_copy, "profiles/eu-ppp-2018.toml", "baseline_days = 30", "baseline_days = 3.5")
    found = load_problems(forms_copy)
    expected = [
        "profiles/: us-ipledge-2026.toml is missing",
        "medicines/: hepatotoxic.toml is missing",
        "codes/excipients.toml: file not found",
        "profiles/eu-ppp-2018.toml: labs.baseline_days: expected an integer",
    ]
    assert all(any(line.startswith(e) for line in found) for e in expected), found
    assert len(found) == len(expected), "no follow-on errors from the broken eu-ppp-2018.toml"


def test_a_missing_folder_is_reported(tmp_path: Path) -> None:
    assert "profiles/: folder not found" in "\n".join(load_problems(tmp_path))


def test_edited_parameters_and_names_change_the_findings(forms_copy: Path) -> None:
    data = make("uk-mhra-2026", "follow-up", pregnancy_tests=[entry(5)])
    data["medications"].append({"name": "Zapocycline 10 mg", "route": "oral", "daily_iu": None})
    shipped = default_catalog()
    before = evaluate(parse_visit(data, shipped), shipped).codes()
    assert before == ("PREGNANCY_TEST_STALE",)
    edit(forms_copy, "profiles/uk-mhra-2026.toml", "test_window_days = 3", "test_window_days = 5")
    edit(forms_copy, "medicines/tetracycline.toml", '"rolitetracycline",',
         '"rolitetracycline", "zapocycline",')  # fmt: skip
    edited = load_catalog(forms_copy)
    assert evaluate(parse_visit(data, edited), edited).codes() == ("TETRACYCLINE",)


def test_basis_texts_reach_the_findings() -> None:
    catalog = default_catalog()
    data = make("eu-ppp-2018", "follow-up", patient__breastfeeding=True)
    (finding,) = evaluate(parse_visit(data, catalog), catalog).findings
    assert finding.basis == catalog.profiles["eu-ppp-2018"].basis["pregnancy"]
    assert finding.basis.startswith("EU SmPC")
    for profile in catalog.profiles.values():
        assert all(profile.basis.values()), profile.id
