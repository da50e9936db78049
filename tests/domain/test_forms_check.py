"""`check_forms`: every file under forms/ validates, and a broken copy names file and key."""

from __future__ import annotations

import hashlib
import shutil
import tomllib
from pathlib import Path

import pytest

from isoface_desk.config import PROJECT_ROOT
from isoface_desk.domain.forms_check import check_forms, form_files, forms_fingerprint

FORMS = PROJECT_ROOT / "forms"
FILES = [p.relative_to(FORMS).as_posix() for p in form_files(FORMS)]
OWN_FOLDERS = ("checklists", "questionnaires", "schedules")


@pytest.fixture(scope="module")
def problems() -> list[str]:
    return check_forms(FORMS)


def test_the_forms_folder_is_valid(problems: list[str]) -> None:
    assert problems == []


@pytest.mark.parametrize("name", FILES)
def test_every_forms_file_validates(name: str, problems: list[str]) -> None:
    assert [p for p in problems if p.startswith(name)] == []
    assert name.split("/")[0] in ("profiles", "medicines", "codes", *OWN_FOLDERS)


@pytest.mark.parametrize("name", [f for f in FILES if f.split("/")[0] in OWN_FOLDERS])
def test_forms_carry_their_id_and_version(name: str) -> None:
    data = tomllib.loads((FORMS / name).read_text(encoding="utf-8"))
    assert data["id"] == Path(name).stem
    assert isinstance(data["version"], str) and data["version"].strip()


def test_fingerprint_pins_every_file() -> None:
    prints = forms_fingerprint(FORMS)
    assert list(prints) == FILES
    for name, digest in prints.items():
        assert digest == hashlib.sha256((FORMS / name).read_bytes()).hexdigest()


def copy_forms(tmp_path: Path) -> Path:
    copy = tmp_path / "forms"
    shutil.copytree(FORMS, copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_broken_file_is_reported_at_once(tmp_path: Path) -> None:
    copy = copy_forms(tmp_path)
    edit(copy / "schedules" / "smpc.toml", "window_after_days = 0", "window_after_days = -1")
    edit(copy / "checklists" / "follow-up.toml", 'type = "records"', 'type = "record"')
    edit(copy / "questionnaires" / "phq9.toml", 'name = "moderately severe"',
         'name = "moderately-severe"')  # fmt: skip
    problems = check_forms(copy)
    assert "schedules/smpc.toml: rules[0].window_after_days: must be at least 0, got -1" in problems
    assert any(p.startswith("checklists/follow-up.toml: sections[2].questions[0].type: 'record'")
               for p in problems)  # fmt: skip
    assert ("questionnaires/phq9.toml: bands[3].name: total 15 is 'moderately-severe' here but "
            "'moderately severe' in docs/rules.md") in problems  # fmt: skip


def test_a_broken_catalog_file_is_reported_with_the_rest(tmp_path: Path) -> None:
    copy = copy_forms(tmp_path)
    (copy / "codes" / "excipients.toml").unlink()
    edit(copy / "schedules" / "minimal.toml", 'at = "peak-dose"', 'at = "peak"')
    problems = check_forms(copy)
    assert any(p.startswith("codes/excipients.toml: ") for p in problems), problems
    assert any(p.startswith("schedules/minimal.toml: rules[2].at: ") for p in problems)


def test_checklist_values_are_checked_against_the_catalog_codes(tmp_path: Path) -> None:
    copy = copy_forms(tmp_path)
    path = copy / "checklists" / "initiation.toml"
    edit(
        path,
        'type = "bool"\nwhen = { answer = "pregnancy_potential", equals = false }',
        'type = "bool"\nwhen = { answer = "potential_reason", in = ["hysterectomy", "gone"] }',
    )
    problems = check_forms(copy)
    assert any(
        p.startswith("checklists/initiation.toml: sections[7].questions[0].when.in[1]: 'gone' "
                     "is not a possible answer to 'potential_reason'")
        for p in problems
    ), problems  # fmt: skip
    assert not any("in[0]" in p for p in problems)  # a real code of forms/codes passes


def test_stray_and_missing_files_are_named(tmp_path: Path) -> None:
    copy = copy_forms(tmp_path)
    shutil.copy(copy / "codes" / "counselling.toml", copy / "codes" / "counseling.toml")
    (copy / "checklist").mkdir()
    shutil.move(copy / "schedules" / "minimal.toml", copy / "checklist" / "minimal.toml")
    problems = check_forms(copy)
    assert "codes/counseling.toml: not a known file name" in [p.split(" (")[0] for p in problems]
    assert any(p.startswith("checklist/minimal.toml: not in a forms folder") for p in problems)
    assert "schedules/: minimal.toml is missing" in problems


def test_a_missing_folder_is_one_problem(tmp_path: Path) -> None:
    assert check_forms(tmp_path / "nowhere") == [f"{tmp_path / 'nowhere'}: not a folder"]


def test_registered_files_are_read_by_their_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from isoface_desk.domain import forms_check

    copy = copy_forms(tmp_path)
    extra = copy / "codes" / "extra.toml"
    extra.write_text('id = "extra"\n', encoding="utf-8")
    assert any(p.startswith("codes/extra.toml: not a known file name") for p in check_forms(copy))
    monkeypatch.setattr(forms_check, "FILE_LOADERS", {
        "codes/extra.toml": "isoface_desk.domain.questionnaire:load_questionnaire_file",
    })  # fmt: skip
    problems = check_forms(copy)
    assert not any("not a known file name" in p for p in problems)
    assert "questionnaires/extra.toml: stem: missing" in problems  # the loader's own label
    monkeypatch.setattr(forms_check, "FILE_LOADERS", {
        "codes/extra.toml": "isoface_desk.domain.no_such_module:load",
    })  # fmt: skip
    assert (
        "codes/extra.toml: no loader (isoface_desk.domain.no_such_module:load is not "
        "importable)" in check_forms(copy)
    )
