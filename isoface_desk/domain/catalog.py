"""Everything the safety engine reads from forms/: profiles, medicine classes, code lists.

`load_catalog(forms_dir)` validates every file under forms/profiles, forms/medicines and
forms/codes and raises one FormDataError listing every problem (file: key: what is wrong).
`default_catalog()` loads the configured forms folder once per process.
`resolve_profile(catalog, name, visit_date)` turns a profile id or family into a profile.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

from isoface_desk.domain.codes import CodeLists, load_code_lists
from isoface_desk.domain.language import SOURCE_LANGUAGE, Lang
from isoface_desk.domain.medicines import (
    MEDICINE_CLASSES,
    MedicineClass,
    MedicineMatcher,
    load_medicine_class,
)
from isoface_desk.domain.messages import Messages, load_messages
from isoface_desk.domain.profiles import Profile, load_profile
from isoface_desk.errors import FormDataError, InputError, Problem

T = TypeVar("T")

#: The profile ids of docs/rules.md; a forms folder must define each of them.
REQUIRED_PROFILES = ("us-ipledge-2023", "us-ipledge-2026", "eu-ppp-2018", "uk-mhra-2023",
                     "uk-mhra-2026")  # fmt: skip


class ProfileError(InputError):
    """A profile name that is unknown, or a family with no version in force on the date."""


@dataclass(frozen=True, slots=True, eq=False)
class Catalog:
    profiles: dict[str, Profile]
    families: dict[str, tuple[Profile, ...]]
    medicines: MedicineMatcher
    codes: CodeLists
    forms_dir: Path
    #: The language of every text the catalog holds (labels, basis, messages).
    lang: Lang = SOURCE_LANGUAGE
    messages: Messages = field(default_factory=Messages)

    def medicine_class(self, class_id: str) -> MedicineClass:
        return self.medicines.get(class_id)

    def file_hashes(self) -> dict[str, str]:
        """Content hash of every file the catalog was built from, by forms-relative name."""
        out = dict(self.codes.hashes)
        out.update({p.source: p.content_hash for p in self.profiles.values()})
        out.update({c.source: c.content_hash for c in self.medicines.classes})
        out.update(self.messages.hashes)
        return dict(sorted(out.items()))


def load_catalog(forms_dir: Path, lang: Lang = SOURCE_LANGUAGE) -> Catalog:
    """Load and validate forms/profiles, forms/medicines, forms/codes and forms/messages
    together, with their texts in `lang`."""
    problems: list[str] = []
    codes = _collect(problems, lambda: load_code_lists(forms_dir / "codes", lang))
    counselling = frozenset(i.code for i in codes.counselling) if codes else frozenset()
    profiles = _each(problems, forms_dir / "profiles", lambda p: load_profile(p, counselling, lang))
    medicines = _each(problems, forms_dir / "medicines", lambda p: load_medicine_class(p, lang))
    messages = _collect(problems, lambda: load_messages(forms_dir, lang))
    if profiles is not None:
        problems.extend(_check_profiles(profiles, _stems(forms_dir / "profiles")))
    if medicines is not None:
        problems.extend(_check_medicines(_stems(forms_dir / "medicines")))
    if problems or codes is None or profiles is None or medicines is None or messages is None:
        raise FormDataError(problems)
    order = {c: i for i, c in enumerate(MEDICINE_CLASSES)}
    medicines.sort(key=lambda c: order[c.id])
    by_id = {p.id: p for p in profiles}
    return Catalog(
        profiles=by_id,
        families=_families(profiles),
        medicines=MedicineMatcher(tuple(medicines)),
        codes=codes,
        forms_dir=forms_dir,
        lang=lang,
        messages=messages,
    )


@functools.cache
def _default_catalog(forms_dir: Path, lang: Lang) -> Catalog:
    return load_catalog(forms_dir, lang)


def default_catalog(lang: Lang = SOURCE_LANGUAGE) -> Catalog:
    """The catalog of the configured forms folder (config.forms_dir()) in `lang`, loaded
    once per language."""
    from isoface_desk.config import forms_dir

    return _default_catalog(Path(forms_dir()).resolve(), lang)


def resolve_profile(catalog: Catalog, name: str, visit_date: date) -> Profile:
    """An exact id as given; a family by the version in force on `visit_date`."""
    exact = catalog.profiles.get(name)
    if exact is not None:
        return exact
    versions = catalog.families.get(name)
    if versions is None:
        known = ", ".join(sorted(catalog.families) + sorted(catalog.profiles))
        what = f"{name!r} is not a known profile id or family ({known})"
        raise ProfileError(Problem("profile", what))
    chosen = versions[0] if versions[0].earlier_dates_resolve_here else None
    for version in versions:
        if version.valid_from <= visit_date:
            chosen = version
    if chosen is None:
        first = versions[0]
        raise ProfileError(
            Problem(
                "profile",
                f"{name} has no version in force on {visit_date.isoformat()} "
                f"(the first, {first.id}, starts on {first.valid_from.isoformat()})",
            )
        )
    return chosen


def _collect(problems: list[str], load: Callable[[], T]) -> T | None:
    try:
        return load()
    except FormDataError as exc:
        problems.extend(exc.problems)
        return None


def _each(problems: list[str], folder: Path, loader: Callable[[Path], T]) -> list[T] | None:
    """Every file of a folder that loads; the problems of the others go to `problems`.
    None when the folder itself is missing."""
    if not folder.is_dir():
        problems.append(f"{folder.name}/: folder not found in {folder.parent}")
        return None
    loaded: list[T] = []
    for path in sorted(folder.glob("*.toml")):
        try:
            loaded.append(loader(path))
        except FormDataError as exc:
            problems.extend(exc.problems)
    return loaded


def _families(profiles: list[Profile]) -> dict[str, tuple[Profile, ...]]:
    families: dict[str, list[Profile]] = {}
    for p in profiles:
        families.setdefault(p.family, []).append(p)
    return {f: tuple(sorted(v, key=lambda p: p.valid_from)) for f, v in sorted(families.items())}


def _stems(folder: Path) -> set[str]:
    return {p.stem for p in folder.glob("*.toml")}


def _check_profiles(profiles: list[Profile], ids: set[str]) -> list[str]:
    """Required files present (loaded or not); validity dates of each family contiguous."""
    problems: list[str] = []
    problems += [f"profiles/: {pid}.toml is missing" for pid in REQUIRED_PROFILES if pid not in ids]
    if len(profiles) < len(ids):
        return problems  # a file that did not load would make the dates below look wrong
    for family, versions in _families(profiles).items():
        for i, p in enumerate(versions):
            if p.earlier_dates_resolve_here and i > 0:
                problems.append(
                    f"{p.source}: earlier_dates_resolve_here: only the first version of "
                    f"{family} may be true"
                )
            nxt = versions[i + 1] if i + 1 < len(versions) else None
            expected = None if nxt is None else nxt.valid_from - timedelta(days=1)
            if p.valid_until != expected:
                want = "absent (the newest version)" if expected is None else expected.isoformat()
                problems.append(f"{p.source}: valid_until: must be {want}")
    return problems


def _check_medicines(present: set[str]) -> list[str]:
    return [f"medicines/: {c}.toml is missing" for c in MEDICINE_CLASSES if c not in present]
