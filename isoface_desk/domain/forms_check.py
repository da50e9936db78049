"""Validating a whole forms/ folder at once: what `isoface-desk check-forms` runs.

`check_forms(forms_dir)` runs every loader (the catalog of profiles, medicines and code
lists; the checklists, cross-checked against the catalog; the questionnaires; the lab
schedules) and returns every problem as `file: key.path: what is wrong`, an empty list
when all is well. A TOML file that no loader reads is a problem too: a misspelt file name
must not be silently ignored. `forms_fingerprint` gives the content hash of every file,
for a signed record to pin exactly what was shown.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from isoface_desk.domain.formdata import file_hash
from isoface_desk.domain.phq9 import band_of
from isoface_desk.domain.questionnaire import Band
from isoface_desk.errors import FormDataError

T = TypeVar("T")

#: Folders of forms/ and the files each must hold (None: any *.toml is read).
FOLDERS: dict[str, tuple[str, ...] | None] = {
    "profiles": None,
    "medicines": None,
    "codes": ("allergies", "conditions", "contraception-methods", "counselling", "excipients",
              "potential-reasons", "lab-tests"),
    "checklists": ("initiation", "follow-up", "end-of-course"),
    "questionnaires": None,
    "schedules": None,
}  # fmt: skip
#: Further forms files, each with its own loader ("module:function" taking the file's path
#: and raising FormDataError), checked when the file is present. Register new files here.
FILE_LOADERS: dict[str, str] = {
    "codes/lab-tests.toml": "isoface_desk.domain.lab_tests:load_lab_tests_file",
}
REQUIRED_SCHEDULES = ("smpc", "minimal")
REQUIRED_QUESTIONNAIRES = ("phq9",)


def form_files(forms_dir: Path) -> list[Path]:
    """Every TOML file under forms_dir, sorted by relative path."""
    return sorted(forms_dir.rglob("*.toml"), key=lambda p: p.relative_to(forms_dir).as_posix())


def forms_fingerprint(forms_dir: Path) -> dict[str, str]:
    """SHA-256 of every form file by forms-relative path (e.g. "checklists/initiation.toml")."""
    return {p.relative_to(forms_dir).as_posix(): file_hash(p) for p in form_files(forms_dir)}


def check_forms(forms_dir: Path) -> list[str]:
    """Every problem of every file under forms_dir; [] when the whole folder is valid."""
    from isoface_desk.domain.catalog import load_catalog
    from isoface_desk.domain.checklist_load import default_refs, load_checklists, refs_from_catalog
    from isoface_desk.domain.lab_schedule import load_schedule_file
    from isoface_desk.domain.questionnaire import load_questionnaire_file

    if not forms_dir.is_dir():
        return [f"{forms_dir}: not a folder"]
    problems: list[str] = _stray_files(forms_dir)
    catalog = _collect(problems, lambda: load_catalog(forms_dir))
    refs = refs_from_catalog(catalog, forms_dir) if catalog else default_refs(forms_dir)
    _collect(problems, lambda: load_checklists(forms_dir, refs))
    for path in sorted((forms_dir / "questionnaires").glob("*.toml")):
        questionnaire = _collect(problems, partial(load_questionnaire_file, path))
        if questionnaire is not None and questionnaire.id == "phq9":
            problems += _phq9_bands_agree(questionnaire.bands, questionnaire.source)
    for path in sorted((forms_dir / "schedules").glob("*.toml")):
        _collect(problems, partial(load_schedule_file, path))
    for name, target in FILE_LOADERS.items():
        if (forms_dir / name).is_file():
            loader = _loader(target)
            if loader is None:
                problems.append(f"{name}: no loader ({target} is not importable)")
            else:
                _collect(problems, partial(loader, forms_dir / name))
    problems += _missing(forms_dir, "questionnaires", REQUIRED_QUESTIONNAIRES)
    problems += _missing(forms_dir, "schedules", REQUIRED_SCHEDULES)
    return list(dict.fromkeys(problems))  # one line per problem, in the order found


def _collect(problems: list[str], load: Callable[[], T]) -> T | None:
    try:
        return load()
    except FormDataError as exc:
        problems.extend(exc.problems)
        return None


def _loader(target: str) -> Callable[[Path], object] | None:
    module, _, function = target.partition(":")
    try:
        loader: Callable[[Path], object] | None = getattr(
            importlib.import_module(module), function, None
        )
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return None
    return loader


def _stray_files(forms_dir: Path) -> list[str]:
    problems = []
    for path in form_files(forms_dir):
        rel = path.relative_to(forms_dir)
        if rel.as_posix() in FILE_LOADERS:
            continue
        names = FOLDERS.get(rel.parts[0]) if len(rel.parts) == 2 else ()
        if len(rel.parts) != 2 or rel.parts[0] not in FOLDERS:
            problems.append(f"{rel.as_posix()}: not in a forms folder ({', '.join(FOLDERS)})")
        elif names is not None and path.stem not in names:
            problems.append(f"{rel.as_posix()}: not a known file name ({', '.join(names)})")
    return problems


def _missing(forms_dir: Path, folder: str, names: tuple[str, ...]) -> list[str]:
    return [
        f"{folder}/: {name}.toml is missing"
        for name in names
        if not (forms_dir / folder / f"{name}.toml").is_file()
    ]


def _phq9_bands_agree(bands: tuple[Band, ...], source: str) -> list[str]:
    """The PHQ-9 file's bands must name each total as the scoring (docs/rules.md) does."""
    problems = []
    for i, band in enumerate(bands):
        for total in (band.min, band.max):
            if band_of(total) != band.name:
                problems.append(f"{source}: bands[{i}].name: total {total} is {band.name!r} here "
                                f"but {band_of(total)!r} in docs/rules.md")  # fmt: skip
                break
    return problems
