"""Medicine classes (forms/medicines/*.toml) and whole-word matching of medication names.

Matching is case-insensitive and by whole words. Both the list entries and the names typed
at a visit are normalised the same way: Unicode NFKC and case folding, apostrophes of any
kind (' ’ ‘ ʼ ` ´) dropped ("St John’s wort" = "St Johns wort"), every other character that
is not a letter or digit turned into a space ("retinyl-palmitate", "St.John's"), letters
and digits split ("doxycycline100mg"), runs of spaces collapsed. "multivitamin" therefore
never matches "vitamin A", and "oxytetracycline" matches only its own entry.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from isoface_desk.domain.formdata import Reader, file_hash, load_toml
from isoface_desk.domain.language import SOURCE_LANGUAGE, Lang

#: The classes the engine knows, with the names docs/rules.md requires as a minimum.
#: A forms/medicines file may add names; removing one of these is a validation error.
REQUIRED_NAMES: dict[str, tuple[str, ...]] = {
    "tetracycline": (
        "doxycycline", "minocycline", "tetracycline", "oxytetracycline", "lymecycline",
        "demeclocycline", "sarecycline", "omadacycline", "eravacycline", "tigecycline",
        "Vibramycin", "Doryx", "Minocin", "Solodyn", "Seysara", "Tetralysal", "Oracea",
    ),
    "other-retinoid": (
        "acitretin", "alitretinoin", "bexarotene", "tretinoin",
        "Neotigason", "Soriatane", "Toctino", "Targretin", "Vesanoid",
    ),
    "vitamin-a": (
        "vitamin A", "retinol", "retinyl palmitate", "retinyl acetate", "cod liver oil",
    ),
    "corticosteroid-systemic": (
        "prednisolone", "prednisone", "methylprednisolone", "dexamethasone",
        "hydrocortisone", "deflazacort",
    ),
    "anticonvulsant-bone": ("phenytoin", "carbamazepine"),
    "hepatotoxic": (
        "methotrexate", "leflunomide", "ketoconazole", "isoniazid", "valproate", "valproic acid",
    ),
    "st-johns-wort": ("St John's wort", "St. John's wort", "Saint John's wort", "hypericum"),
}  # fmt: skip
MEDICINE_CLASSES: tuple[str, ...] = tuple(REQUIRED_NAMES)

_APOSTROPHES = re.compile("['\u2019\u2018\u02bc`\u00b4\u2032]")
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_NOT_WORD = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """The words of a medicine name, lower-case, single-spaced, without punctuation."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _APOSTROPHES.sub("", folded)
    folded = _LETTER_DIGIT.sub(" ", folded)
    return " ".join(_NOT_WORD.sub(" ", folded).split())


@dataclass(frozen=True, slots=True, eq=False)
class MedicineClass:
    id: str
    label: str
    risk: str
    generic: tuple[str, ...]
    brands: tuple[str, ...]
    pattern: re.Pattern[str]
    source: str = ""
    content_hash: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return self.generic + self.brands

    def matches(self, name: str) -> bool:
        return self.pattern.search(f" {normalise(name)} ") is not None


def compile_names(names: tuple[str, ...]) -> re.Pattern[str]:
    """One regex per class over the padded normalised name: ' (?:a|b c) '."""
    words = sorted({normalise(n) for n in names if normalise(n)}, key=len, reverse=True)
    return re.compile(" (?:" + "|".join(re.escape(w) for w in words) + ") ")


class MedicineMatcher:
    """The classes a medication name belongs to, with a bounded cache per name."""

    _CACHE_LIMIT = 4096

    def __init__(self, classes: tuple[MedicineClass, ...]) -> None:
        self.classes = classes
        self._by_id = {c.id: c for c in classes}
        self._cache: dict[str, frozenset[str]] = {}

    def classes_of(self, name: str) -> frozenset[str]:
        found = self._cache.get(name)
        if found is None:
            padded = f" {normalise(name)} "
            found = frozenset(c.id for c in self.classes if c.pattern.search(padded))
            if len(self._cache) >= self._CACHE_LIMIT:
                self._cache.clear()
            self._cache[name] = found
        return found

    def get(self, class_id: str) -> MedicineClass:
        return self._by_id[class_id]


def load_medicine_class(path: Path, lang: Lang = SOURCE_LANGUAGE) -> MedicineClass:
    """Read and validate one forms/medicines file (named after its class), in `lang`."""
    label = f"medicines/{path.name}"
    data = load_toml(path, label, lang)
    r = Reader(label)
    r.unknown_keys(data, ("class", "label", "risk", "generic", "brands"))
    class_id = r.get(data, "class", str) or ""
    r.one_of(class_id or None, MEDICINE_CLASSES, "class")
    r.check(
        not class_id or path.stem == class_id, "class", f"{class_id!r} must match the file name"
    )
    text_label = (r.get(data, "label", str) or "").strip()
    risk = (r.get(data, "risk", str) or "").strip()
    r.check(text_label != "" or "label" not in data, "label", "must not be empty")
    r.check(risk != "" or "risk" not in data, "risk", "must not be empty")
    generic = tuple(r.list_of(data, "generic", str))
    brands = tuple(r.list_of(data, "brands", str, required=False))
    _check_names(r, "generic", generic)
    _check_names(r, "brands", brands)
    present = {normalise(n) for n in generic + brands}
    for name in REQUIRED_NAMES.get(class_id, ()):
        r.check(
            normalise(name) in present,
            "generic",
            f"must include {name!r} in generic or brands (a minimum name of docs/rules.md)",
        )
    r.finish()
    return MedicineClass(
        id=class_id,
        label=text_label,
        risk=risk,
        generic=generic,
        brands=brands,
        pattern=compile_names(generic + brands),
        source=label,
        content_hash=file_hash(path),
    )


def _check_names(r: Reader, key: str, names: tuple[str, ...]) -> None:
    seen: set[str] = set()
    for i, name in enumerate(names):
        r.check(normalise(name) != "", f"{key}[{i}]", "must contain a letter or digit")
        r.check(name.casefold() not in seen, f"{key}[{i}]", f"{name!r} is listed twice")
        seen.add(name.casefold())
