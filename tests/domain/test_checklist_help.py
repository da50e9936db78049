"""Help texts by profile: placeholders of profile numbers and per-profile variants, filled
from the real profiles and validated by check-forms (a misspelt name is a problem)."""

from __future__ import annotations

import shutil
from pathlib import Path

from isoface_desk.config import forms_dir
from isoface_desk.domain.catalog import default_catalog
from isoface_desk.domain.checklist import load_checklists, refs_from_catalog
from isoface_desk.domain.checklist_help import help_text, help_values
from isoface_desk.domain.forms_check import check_forms


def test_the_pregnancy_test_help_names_the_window_of_the_profile_in_force() -> None:
    catalog = default_catalog()
    form = load_checklists(forms_dir(), refs_from_catalog(catalog))["initiation"]
    section = next(s for s in form.sections if s.id == "pregnancy-tests")
    shown = {pid: help_text(section.help, section.profile_help, pid, help_values(p))
             for pid, p in catalog.profiles.items()}  # fmt: skip
    assert (
        "at most 3 days" in shown["uk-mhra-2026"] and "at most 6 days" in shown["us-ipledge-2026"]
    )
    potential = form.question("pregnancy_potential")
    assert "iPLEDGE" in help_text(potential.help, potential.profile_help, "us-ipledge-2026", {})
    assert "iPLEDGE" not in help_text(potential.help, potential.profile_help, "uk-mhra-2026", {})


def _forms_copy(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "forms"
    shutil.copytree(forms_dir(), folder)
    path = folder / "checklists" / "initiation.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def test_check_forms_names_an_unknown_placeholder_and_a_pattern_matching_no_profile(
    tmp_path: Path,
) -> None:
    folder = _forms_copy(tmp_path, "at most {test_window_days} days", "at most {window_days} days")
    (problem,) = check_forms(folder)
    assert problem.startswith("checklists/initiation.toml: sections[")
    assert "{window_days} is not a profile number" in problem
    folder = _forms_copy(
        tmp_path / "b",
        '{ profiles = ["us-*"], help = "Answer',
        '{ profiles = ["ca-*"], help = "Answer',
    )
    (problem,) = check_forms(folder)
    assert "profile_help[0].profiles[0]: 'ca-*' matches no profile id" in problem


def test_check_forms_names_unbalanced_braces(tmp_path: Path) -> None:
    folder = _forms_copy(tmp_path, "{baseline_days} days", "{baseline_days days")
    (problem,) = check_forms(folder)
    assert "unbalanced braces" in problem
