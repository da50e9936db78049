"""Loading and validating the TOML data files under forms/.

Every problem names the file, the key path and what is wrong, e.g.
``profiles/uk-mhra-2026.toml: tests.window_days: expected an integer, got 'three'``.
A `Reader` walks a file's tables and collects every problem; `finish()` raises them all at once
as one `FormDataError`.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from isoface_desk.domain.language import SOURCE_LANGUAGE, SUFFIXES, Lang
from isoface_desk.errors import FormDataError

T = TypeVar("T")

_TYPE_NAMES: dict[type, str] = {
    str: "text",
    int: "an integer",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a table",
    date: "a date (YYYY-MM-DD)",
}


def file_hash(path: Path) -> str:
    """SHA-256 of a form file's bytes: what a signed record pins."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


#: Keys whose text is shown to people: each needs a Spanish sibling (`label` + `label_es`).
#: Every text of a `[basis]` table (or a `basis` text) is one too.
TEXT_KEYS = frozenset({
    "title", "label", "help", "text", "stem", "risk", "reason", "footer", "unit",
    "fasting_instruction", "copyright",
})  # fmt: skip
_TEXT_TABLES = frozenset({"basis"})
_PLACEHOLDER = re.compile(r"{([a-z_][a-z0-9_]*)(?:[:!][^}]*)?}")


def load_toml(path: Path, label: str | None = None, lang: Lang = SOURCE_LANGUAGE) -> dict[str, Any]:
    """Parse one TOML file in one language, turning syntax errors into a FormDataError
    naming the file. Every text key K may have translated siblings (`K_es`); the data
    returned holds the texts of `lang` under the plain keys and no suffixed key, so
    loaders read one language. In a language other than the source, a text key without
    its translation is an error (and so a `check-forms` error)."""
    name = label or path.name
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise FormDataError([f"{name}: file not found"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise FormDataError([f"{name}: not valid TOML: {exc}"]) from None
    except UnicodeDecodeError:
        raise FormDataError([f"{name}: not UTF-8 text"]) from None
    problems: list[str] = []
    localised: dict[str, Any] = _localise(data, lang, "", False, problems)
    if problems:
        raise FormDataError([f"{name}: {p}" for p in problems])
    return localised


def _localise(value: Any, lang: Lang, where: str, in_text_table: bool, problems: list[str]) -> Any:
    if isinstance(value, list):
        return [
            _localise(v, lang, f"{where}[{i}]", in_text_table, problems)
            for i, v in enumerate(value)
        ]
    if not isinstance(value, dict):
        return value
    suffixes = tuple(SUFFIXES.values())
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key.endswith(suffixes):
            continue
        path = f"{where}.{key}" if where else key
        out[key] = _localise(item, lang, path, in_text_table or key in _TEXT_TABLES, problems)
        if not isinstance(item, str):
            continue
        is_text = in_text_table or key in TEXT_KEYS | _TEXT_TABLES
        for other, suffix in SUFFIXES.items():
            translated = value.get(key + suffix)
            if translated is None:
                if other == lang and is_text:
                    problems.append(f"{path}{suffix}: missing (the {other} text of {key})")
                continue
            if not isinstance(translated, str) or not translated.strip():
                problems.append(f"{path}{suffix}: expected non-empty text")
                continue
            if set(_PLACEHOLDER.findall(item)) != set(_PLACEHOLDER.findall(translated)):
                problems.append(f"{path}{suffix}: its {{placeholders}} differ from {key}'s")
            if other == lang:
                out[key] = translated
    for key in value:
        for suffix in suffixes:
            if key.endswith(suffix) and key[: -len(suffix)] not in value:
                path = f"{where}.{key}" if where else key
                problems.append(f"{path}: no {key[: -len(suffix)]!r} beside it")
    return out


class Reader:
    """Typed access to one file's data that collects problems instead of stopping at the first."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[str] = []

    def problem(self, key: str, what: str) -> None:
        self.problems.append(f"{self.label}: {key}: {what}")

    def get(
        self,
        table: dict[str, Any],
        key: str,
        kind: type[T],
        where: str = "",
        *,
        default: T | None = None,
        required: bool = True,
    ) -> T | None:
        """table[key] checked to be of `kind`; a missing or wrong value is recorded, not raised."""
        path = f"{where}.{key}" if where else key
        if key not in table:
            if required:
                self.problem(path, "missing")
            return default
        value = table[key]
        if not _is_kind(value, kind):
            self.problem(path, f"expected {_TYPE_NAMES.get(kind, kind.__name__)}, got {value!r}")
            return default
        return float(value) if kind is float else value  # type: ignore[return-value]

    def list_of(
        self,
        table: dict[str, Any],
        key: str,
        kind: type[T],
        where: str = "",
        *,
        required: bool = True,
    ) -> list[T]:
        items = self.get(table, key, list, where, default=[], required=required) or []
        path = f"{where}.{key}" if where else key
        out: list[T] = []
        for i, item in enumerate(items):
            if _is_kind(item, kind):
                out.append(float(item) if kind is float else item)  # type: ignore[arg-type]
            else:
                self.problem(
                    f"{path}[{i}]", f"expected {_TYPE_NAMES.get(kind, kind.__name__)}, got {item!r}"
                )
        return out

    def one_of(self, value: object, allowed: Iterable[object], key: str) -> None:
        allowed = list(allowed)
        if value is not None and value not in allowed:
            self.problem(key, f"{value!r} is not one of {', '.join(map(str, allowed))}")

    def unknown_keys(self, table: dict[str, Any], known: Iterable[str], where: str = "") -> None:
        for key in sorted(set(table) - set(known)):
            self.problem(f"{where}.{key}" if where else key, "unknown key")

    def check(self, ok: bool, key: str, what: str) -> None:
        if not ok:
            self.problem(key, what)

    def finish(self) -> None:
        if self.problems:
            raise FormDataError(self.problems)


def _is_kind(value: object, kind: type) -> bool:
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is date:
        return isinstance(value, date) and not hasattr(value, "hour")
    return isinstance(value, kind)


def load_all(paths: Iterable[Path], loader: Callable[[Path], T]) -> list[T]:
    """Run `loader` on every path and raise every file's problems together."""
    results: list[T] = []
    problems: list[str] = []
    for path in paths:
        try:
            results.append(loader(path))
        except FormDataError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FormDataError(problems)
    return results
