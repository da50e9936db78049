"""Code lists (forms/codes/*.toml): contraception methods, counselling items, conditions,
allergies, excipients and the "cannot get pregnant" reasons.

Each file is a list of tables with at least `code` and `label`. The codes docs/rules.md
and docs/check-format.md name are a minimum: a clinic may add codes and reword labels and texts,
but removing a required code (or an allergy's required excipient) is a validation error.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isoface_desk.domain.formdata import Reader, file_hash, load_toml
from isoface_desk.domain.language import SOURCE_LANGUAGE, Lang

METHOD_CLASSES = ("user-independent", "user-dependent-hormonal", "barrier", "never-counts")
CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

REQUIRED_METHODS: dict[str, str] = {
    "implant": "user-independent", "ius": "user-independent", "copper-iud": "user-independent",
    "tubal-ligation": "user-independent", "partner-vasectomy": "user-independent",
    "combined-pill": "user-dependent-hormonal", "patch": "user-dependent-hormonal",
    "ring": "user-dependent-hormonal", "injection": "user-dependent-hormonal",
    "male-condom": "barrier", "diaphragm": "barrier", "cervical-cap": "barrier",
    "sponge": "barrier", "progestogen-only-pill": "never-counts",
}  # fmt: skip
REQUIRED_COUNSELLING = (
    "teratogenicity", "contraception", "pregnancy-testing", "mental-health", "sexual-function",
    "blood-donation", "no-sharing", "cosmetic-procedures", "sun-protection", "night-vision",
    "musculoskeletal", "red-flag-symptoms", "alcohol", "vitamin-a", "dry-skin-care",
    "take-with-food", "missed-dose", "time-to-reflect", "second-opinion",
)  # fmt: skip
REQUIRED_CONDITIONS = (
    "hepatic-insufficiency", "hypervitaminosis-a", "hyperlipidaemia", "depression-history",
    "psychosis-history", "self-harm-history", "inflammatory-bowel-disease", "diabetes",
    "obesity", "alcohol-misuse", "family-psychiatric-history", "osteoporosis",
    "anorexia-nervosa",
)  # fmt: skip
REQUIRED_ALLERGY_EXCIPIENTS: dict[str, tuple[str, ...]] = {
    "isotretinoin": (), "retinoids": (), "vitamin-a": (),
    "soya": ("soya-bean-oil", "soybean-lecithin"),
    "peanut": ("soya-bean-oil", "soybean-lecithin", "peanut-oil", "arachis-oil"),
    "parabens": ("methylparaben", "propylparaben"),
    "gelatin": ("gelatin",),
}  # fmt: skip
CONTRAINDICATING_ALLERGIES = ("isotretinoin", "retinoids", "vitamin-a")
REQUIRED_EXCIPIENTS = (
    "soya-bean-oil", "soybean-lecithin", "peanut-oil", "arachis-oil", "methylparaben",
    "propylparaben", "gelatin", "sorbitol", "glycerol", "beeswax",
)  # fmt: skip
REQUIRED_REASONS = (
    "no-uterus-or-ovaries", "hysterectomy", "bilateral-oophorectomy", "menopause-confirmed",
    "sterilisation-confirmed",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class MethodDef:
    code: str
    label: str
    method_class: str
    hormonal: bool


@dataclass(frozen=True, slots=True)
class CounsellingItem:
    code: str
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class CodeDef:
    code: str
    label: str


@dataclass(frozen=True, slots=True)
class AllergyDef:
    code: str
    label: str
    contraindicates_isotretinoin: bool
    excipients: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReasonDef:
    code: str
    letter: str
    label: str


@dataclass(frozen=True, slots=True, eq=False)
class CodeLists:
    methods: dict[str, MethodDef]
    counselling: tuple[CounsellingItem, ...]
    conditions: dict[str, CodeDef]
    allergies: dict[str, AllergyDef]
    excipients: dict[str, CodeDef]
    reasons: dict[str, ReasonDef]
    hashes: dict[str, str]


def load_code_lists(codes_dir: Path, lang: Lang = SOURCE_LANGUAGE) -> CodeLists:
    """Load every codes file in `lang`; raise one FormDataError with every file's problems."""
    from isoface_desk.domain.formdata import load_all

    files = tuple(_SPECS)
    paths = [codes_dir / f"{name}.toml" for name in files]
    loaded = load_all(paths, functools.partial(_load_one, lang=lang))
    by_name = dict(zip(files, loaded, strict=True))
    return CodeLists(
        methods={m.code: m for m in by_name["contraception-methods"]},
        counselling=tuple(by_name["counselling"]),
        conditions={c.code: c for c in by_name["conditions"]},
        allergies={a.code: a for a in by_name["allergies"]},
        excipients={e.code: e for e in by_name["excipients"]},
        reasons={r.code: r for r in by_name["potential-reasons"]},
        hashes={f"codes/{n}.toml": file_hash(codes_dir / f"{n}.toml") for n in files},
    )


def _load_one(path: Path, lang: Lang = SOURCE_LANGUAGE) -> list[Any]:
    spec = _SPECS[path.stem]
    label = f"codes/{path.name}"
    data = load_toml(path, label, lang)
    r = Reader(label)
    list_key, fields, build, required = spec
    r.unknown_keys(data, (list_key,))
    rows = r.list_of(data, list_key, dict)
    items: list[Any] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        where = f"{list_key}[{i}]"
        r.unknown_keys(row, ("code", "label", *fields), where)
        code = r.get(row, "code", str, where) or ""
        r.check(not code or bool(CODE_PATTERN.match(code)), f"{where}.code",
                f"{code!r} must be lower-case words joined by hyphens")  # fmt: skip
        r.check(code not in seen, f"{where}.code", f"{code!r} is listed twice")
        seen.add(code)
        text = (r.get(row, "label", str, where) or "").strip()
        r.check(text != "" or "label" not in row, f"{where}.label", "must not be empty")
        items.append(build(r, row, where, code, text))
    for code in required:
        r.check(code in seen, list_key, f"must include {code!r} (required by docs/rules.md)")
    r.finish()
    return items


def _method(r: Reader, row: dict[str, Any], where: str, code: str, label: str) -> MethodDef:
    klass = r.get(row, "class", str, where, default="never-counts")
    r.one_of(klass, METHOD_CLASSES, f"{where}.class")
    hormonal = bool(r.get(row, "hormonal", bool, where, default=False))
    return MethodDef(code, label, klass or "never-counts", hormonal)


def _counselling(
    r: Reader, row: dict[str, Any], where: str, code: str, label: str
) -> CounsellingItem:
    text = (r.get(row, "text", str, where) or "").strip()
    r.check(text != "" or "text" not in row, f"{where}.text", "must not be empty")
    return CounsellingItem(code, label, text)


def _plain(r: Reader, row: dict[str, Any], where: str, code: str, label: str) -> CodeDef:
    return CodeDef(code, label)


def _allergy(r: Reader, row: dict[str, Any], where: str, code: str, label: str) -> AllergyDef:
    contra = bool(r.get(row, "contraindicates_isotretinoin", bool, where, default=False))
    excipients = tuple(r.list_of(row, "excipients", str, where))
    for j, exc in enumerate(excipients):
        r.check(bool(CODE_PATTERN.match(exc)), f"{where}.excipients[{j}]",
                f"{exc!r} must be lower-case words joined by hyphens")  # fmt: skip
    for exc in REQUIRED_ALLERGY_EXCIPIENTS.get(code, ()):
        r.check(exc in excipients, f"{where}.excipients", f"must include {exc!r}")
    if code in CONTRAINDICATING_ALLERGIES:
        r.check(contra, f"{where}.contraindicates_isotretinoin", "must be true for this allergy")
    return AllergyDef(code, label, contra, excipients)


def _reason(r: Reader, row: dict[str, Any], where: str, code: str, label: str) -> ReasonDef:
    letter = r.get(row, "letter", str, where) or ""
    return ReasonDef(code, letter, label)


_Builder = Callable[[Reader, dict[str, Any], str, str, str], Any]
_SPECS: dict[str, tuple[str, tuple[str, ...], _Builder, tuple[str, ...]]] = {
    "contraception-methods": ("methods", ("class", "hormonal"), _method, tuple(REQUIRED_METHODS)),
    "counselling": ("items", ("text",), _counselling, REQUIRED_COUNSELLING),
    "conditions": ("conditions", (), _plain, REQUIRED_CONDITIONS),
    "allergies": (
        "allergies",
        ("contraindicates_isotretinoin", "excipients"),
        _allergy,
        tuple(REQUIRED_ALLERGY_EXCIPIENTS),
    ),
    "excipients": ("excipients", (), _plain, REQUIRED_EXCIPIENTS),
    "potential-reasons": ("reasons", ("letter",), _reason, REQUIRED_REASONS),
}
