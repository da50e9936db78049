"""Questionnaires shown inside a checklist (forms/questionnaires/*.toml): the PHQ-9.

A questionnaire is a stem, numbered items answered on one scale of labelled values, an
optional follow-up question (the PHQ-9 functional-difficulty question), severity bands of
the total, and the copyright line to print. `load_questionnaire` validates the file:
items numbered 1..n, answer values 0..k without gaps, bands covering every possible total
exactly once. The PHQ-9 must keep the shape docs/check-format.md relies on (nine items, 0-3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isoface_desk.domain.formdata import Reader, file_hash, load_toml

#: Shape the check format depends on, by questionnaire id: (items, highest answer value).
FIXED_SHAPES: dict[str, tuple[int, int]] = {"phq9": (9, 3)}


@dataclass(frozen=True)
class AnswerOption:
    value: int
    label: str


@dataclass(frozen=True)
class QuestionnaireItem:
    number: int
    text: str
    alert: bool = False  # an answer above 0 needs same-day follow-up (PHQ-9 item 9)


@dataclass(frozen=True)
class FollowUp:
    """A question asked once after the items (PHQ-9: how difficult have these made things)."""

    text: str
    optional: bool
    answers: tuple[AnswerOption, ...]


@dataclass(frozen=True)
class Band:
    min: int
    max: int
    name: str
    label: str


@dataclass(frozen=True)
class Questionnaire:
    id: str
    version: str
    title: str
    stem: str
    copyright: str
    reference: str
    answers: tuple[AnswerOption, ...]
    items: tuple[QuestionnaireItem, ...]
    bands: tuple[Band, ...]
    difficulty: FollowUp | None = None
    sha256: str = ""
    source: str = ""

    @property
    def max_total(self) -> int:
        return len(self.items) * max(a.value for a in self.answers)

    def total(self, values: Sequence[int]) -> int:
        return sum(values)

    def band(self, total: int) -> Band:
        for band in self.bands:
            if band.min <= total <= band.max:
                return band
        raise ValueError(f"total {total} is outside 0..{self.max_total}")

    def alert_items(self) -> tuple[int, ...]:
        return tuple(item.number for item in self.items if item.alert)


def load_questionnaire(forms_dir: Path, questionnaire_id: str) -> Questionnaire:
    """Load and validate forms/questionnaires/<id>.toml (FormDataError lists problems)."""
    return load_questionnaire_file(forms_dir / "questionnaires" / f"{questionnaire_id}.toml")


_TOP_KEYS = ("id", "version", "title", "stem", "copyright", "reference", "answers", "items",
             "bands", "difficulty")  # fmt: skip


def load_questionnaire_file(path: Path) -> Questionnaire:
    label = f"questionnaires/{path.name}"
    data = load_toml(path, label)
    r = Reader(label)
    r.unknown_keys(data, _TOP_KEYS)
    qid = _text(r, data, "id")
    r.check(qid in ("", path.stem), "id", f"{qid!r} differs from the file name")
    texts = {k: _text(r, data, k) for k in _TOP_KEYS[1:6]}
    answers = _options(r, data, "answers")
    items = _items(r, data)
    difficulty = _follow_up(r, data)
    bands = _bands(r, data)
    if answers and items:
        _check_shape(r, qid, answers, items, bands)
    r.finish()
    return Questionnaire(
        id=qid,
        version=texts["version"],
        title=texts["title"],
        stem=texts["stem"],
        copyright=texts["copyright"],
        reference=texts["reference"],
        answers=answers,
        items=items,
        bands=bands,
        difficulty=difficulty,
        sha256=file_hash(path),
        source=label,
    )


def _text(r: Reader, table: dict[str, Any], key: str, where: str = "") -> str:
    value = r.get(table, key, str, where) or ""
    if key in table and isinstance(table[key], str) and not value.strip():
        r.problem(f"{where}.{key}" if where else key, "must not be empty")
    return value.strip()


def _tables(r: Reader, table: dict[str, Any], key: str, where: str = "") -> list[dict[str, Any]]:
    return r.list_of(table, key, dict, where)


def _options(
    r: Reader, table: dict[str, Any], key: str, where: str = ""
) -> tuple[AnswerOption, ...]:
    path = f"{where}.{key}" if where else key
    out: list[AnswerOption] = []
    for i, row in enumerate(_tables(r, table, key, where)):
        r.unknown_keys(row, ("value", "label"), f"{path}[{i}]")
        value = r.get(row, "value", int, f"{path}[{i}]")
        text = _text(r, row, "label", f"{path}[{i}]")
        if value is not None and text:
            out.append(AnswerOption(value, text))
    values = [o.value for o in out]
    if out and values != list(range(len(values))):
        r.problem(path, f"values must run 0, 1, 2, ... in order, got {values}")
    return tuple(out)


def _items(r: Reader, data: dict[str, Any]) -> tuple[QuestionnaireItem, ...]:
    out: list[QuestionnaireItem] = []
    for i, row in enumerate(_tables(r, data, "items")):
        where = f"items[{i}]"
        r.unknown_keys(row, ("number", "text", "alert"), where)
        number = r.get(row, "number", int, where)
        text = _text(r, row, "text", where)
        alert = bool(r.get(row, "alert", bool, where, default=False, required=False))
        r.check(number in (None, i + 1), f"{where}.number", f"must be {i + 1}, got {number}")
        if number is not None and text:
            out.append(QuestionnaireItem(number, text, alert))
    r.check(bool(out) or "items" not in data, "items", "at least one item is needed")
    return tuple(out)


def _follow_up(r: Reader, data: dict[str, Any]) -> FollowUp | None:
    table = r.get(data, "difficulty", dict, required=False)
    if table is None:
        return None
    r.unknown_keys(table, ("text", "optional", "answers"), "difficulty")
    text = _text(r, table, "text", "difficulty")
    optional = bool(r.get(table, "optional", bool, "difficulty", default=True, required=False))
    return FollowUp(text, optional, _options(r, table, "answers", "difficulty"))


def _bands(r: Reader, data: dict[str, Any]) -> tuple[Band, ...]:
    out: list[Band] = []
    for i, row in enumerate(_tables(r, data, "bands")):
        where = f"bands[{i}]"
        r.unknown_keys(row, ("min", "max", "name", "label"), where)
        low, high = r.get(row, "min", int, where), r.get(row, "max", int, where)
        name, text = _text(r, row, "name", where), _text(r, row, "label", where)
        if low is not None and high is not None and name and text:
            r.check(low <= high, f"{where}.max", f"{high} is below min {low}")
            out.append(Band(low, high, name, text))
    return tuple(out)


def _check_shape(
    r: Reader,
    qid: str,
    answers: tuple[AnswerOption, ...],
    items: tuple[QuestionnaireItem, ...],
    bands: tuple[Band, ...],
) -> None:
    top = answers[-1].value
    if qid in FIXED_SHAPES:
        n, high = FIXED_SHAPES[qid]
        r.check(len(items) == n, "items", f"{qid} must have {n} items, got {len(items)}")
        r.check(top == high, "answers", f"{qid} answers must run 0..{high}, got 0..{top}")
    expected = 0
    for i, band in enumerate(bands):
        if band.min != expected:
            r.problem(f"bands[{i}].min", f"must be {expected} (bands must follow on without gaps)")
        expected = band.max + 1
    if bands and expected != len(items) * top + 1:
        r.problem("bands", f"must end at the highest possible total {len(items) * top}")
    names = [b.name for b in bands]
    r.check(len(set(names)) == len(names), "bands", "band names must be different")
