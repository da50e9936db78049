"""Help texts of checklist sections and questions: per-profile variants and profile numbers.

A help text may name a number of the profile in force in braces, e.g.
``help = "The newest negative test must be at most {test_window_days} days old."``: every
whole-number or decimal parameter of a profile (pregnancy, mental_health, labs, dose and
patient tables of forms/profiles/*.toml) can be named by its key. `profile_help` gives
variants for some profiles; the first whose patterns match the profile id replaces `help`:

    profile_help = [{ profiles = ["us-*"], help = "Under iPLEDGE ..." }]

Unknown placeholder names, unbalanced braces and patterns matching no profile are problems
reported by the loader (and so by `isoface-desk check-forms`).
"""

from __future__ import annotations

import fnmatch
import string
from collections.abc import Collection, Mapping
from dataclasses import dataclass, fields
from typing import Any

from isoface_desk.domain.formdata import Reader
from isoface_desk.domain.profiles import (
    DoseParams,
    LabParams,
    MentalHealthParams,
    PatientParams,
    PregnancyParams,
    Profile,
)

_GROUPS = {"pregnancy": PregnancyParams, "mental_health": MentalHealthParams, "labs": LabParams,
           "dose": DoseParams, "patient": PatientParams}  # fmt: skip
#: Placeholder name -> the profile table holding it (numbers only: no bools, no lists).
HELP_PLACEHOLDERS: dict[str, str] = {
    f.name: group
    for group, cls in _GROUPS.items()
    for f in fields(cls)
    if f.type in ("int", "float")
}


@dataclass(frozen=True)
class ProfileHelp:
    """A help text used instead of the general one when the profile id matches."""

    profiles: tuple[str, ...]
    help: str


def help_values(profile: Profile) -> dict[str, str]:
    """The placeholder values of a profile, as shown (3, 30, 5.0 -> "5")."""
    out: dict[str, str] = {}
    for name, group in HELP_PLACEHOLDERS.items():
        value = getattr(getattr(profile, group), name)
        out[name] = f"{value:g}" if isinstance(value, float) else str(value)
    return out


def help_text(
    general: str, variants: tuple[ProfileHelp, ...], profile_id: str,
    values: Mapping[str, str],
) -> str:  # fmt: skip
    """The help to show under this profile, its placeholders filled in."""
    matching = (v.help for v in variants if any(fnmatch.fnmatchcase(profile_id, p)
                                                 for p in v.profiles))  # fmt: skip
    text = next(matching, general)
    if not text:
        return ""
    try:
        return text.format_map(_Strict(values))
    except (KeyError, ValueError, IndexError):  # validated on load; never fail on screen
        return text


class _Strict(dict[str, str]):
    def __missing__(self, key: str) -> str:
        raise KeyError(key)


def placeholder_problems(text: str) -> list[str]:
    """What is wrong with the braces of a help text ([] when all is well)."""
    try:
        names = [name for _, name, spec, conv in string.Formatter().parse(text)
                 if name is not None and not spec and not conv]  # fmt: skip
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        return [f"unbalanced braces ({exc}); write {{{{ and }}}} for a literal brace"]
    problems = []
    for _, name, spec, conv in parts:
        if name is not None and (spec or conv):
            problems.append(f"{{{name}}}: no format or conversion may be given")
    known = ", ".join(sorted(HELP_PLACEHOLDERS))
    problems += [f"{{{n}}} is not a profile number (known: {known})"
                 for n in names if n not in HELP_PLACEHOLDERS]  # fmt: skip
    return problems


def read_help(
    r: Reader, table: Mapping[str, Any], where: str, profile_ids: Collection[str]
) -> tuple[str, tuple[ProfileHelp, ...]]:
    """`help` and `profile_help` of a section or question table (problems recorded)."""
    general = table.get("help", "")
    if not isinstance(general, str):
        r.problem(f"{where}.help", f"expected text, got {general!r}")
        general = ""
    general = general.strip()
    for what in placeholder_problems(general):
        r.problem(f"{where}.help", what)
    variants: list[ProfileHelp] = []
    for i, row in enumerate(r.list_of(dict(table), "profile_help", dict, where, required=False)):
        at = f"{where}.profile_help[{i}]"
        r.unknown_keys(row, ("profiles", "help"), at)
        patterns = tuple(r.list_of(row, "profiles", str, at))
        r.check(bool(patterns), f"{at}.profiles", "give at least one profile pattern")
        for j, pattern in enumerate(patterns):
            if not any(fnmatch.fnmatchcase(pid, pattern) for pid in profile_ids):
                r.problem(f"{at}.profiles[{j}]", f"{pattern!r} matches no profile id "
                          f"({', '.join(sorted(profile_ids))})")  # fmt: skip
        text = (r.get(row, "help", str, at) or "").strip()
        r.check(bool(text) or not isinstance(row.get("help"), str), f"{at}.help",
                "must not be empty")  # fmt: skip
        for what in placeholder_problems(text):
            r.problem(f"{at}.help", what)
        if patterns and text:
            variants.append(ProfileHelp(patterns, text))
    return general, tuple(variants)
