"""What a new visit opens with: answers carried from the last signed visit, stored results,
and the facts of the patient record, each with where it came from.

`prefill` builds a partial check-format visit from
* the last signed visit (`CarriedVisit`): weight, pregnancy and breastfeeding status,
  allergies, conditions, medicines, product and excipients, dose, contraception. At an
  initiation only the history (allergies, conditions, medicines) is carried;
* the course's current daily dose, which overrides the last visit's;
* the patient record: pregnancy potential;
* the stored results (`StoredResult`: nurse-entered or imported lab results, tests of earlier
  visits): the latest of each blood test and the latest pregnancy test on or before the
  visit date. After a signed visit, only results since it count (the follow-up form asks
  for "results since the last visit"): a result the last visit already showed and signed
  is not offered again. A follow-up with no blood result since the last visit opens with
  the answer "none" and says so,
and turns it into answers of the form's questions. Every section that received a carried
answer is listed with a note ("as on <date>") and must be confirmed by the prescriber
(one key) before signing; sections filled from stored results are listed with their
sources, to be seen, not confirmed. Nothing is carried silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from isoface_desk.domain.checklist_fields import visit_dict_to_answers
from isoface_desk.domain.checklist_model import Form

__all__ = [
    "CARRIED_FIELDS",
    "CarriedVisit",
    "Prefill",
    "SectionNote",
    "StoredResult",
    "prefill",
]

#: Check-format fields carried from the last signed visit (follow-up, end of course).
CARRIED_FIELDS = (
    "patient.weight_kg",
    "patient.potential_reason",
    "patient.pregnant",
    "patient.breastfeeding",
    "patient.allergies",
    "patient.conditions",
    "medications",
    "product.name",
    "product.excipients",
    "dose.mg_per_day",
    "dose.days_supply",
    "dose.refills",
    "contraception.methods",
    "contraception.abstinence_commitment",
    "contraception.no_risk_agreement",
)
#: What an initiation carries from an earlier course: the patient's history only.
INITIATION_FIELDS = ("patient.allergies", "patient.conditions", "medications")
_RECORD_FIELDS = {"labs": "labs", "pregnancy_tests": "pregnancy_tests"}


@dataclass(frozen=True)
class CarriedVisit:
    """The last signed visit: its date, kind and check-format content."""

    date: dt.date
    kind: str
    visit: Mapping[str, Any]


@dataclass(frozen=True)
class StoredResult:
    """A stored result as a check-format entry of `labs[]` (test key "test") or of
    `pregnancy_tests[]`, with its source ("lab order LO-000003", "initiation visit")."""

    entry: Mapping[str, Any]
    source: str

    @property
    def is_pregnancy_test(self) -> bool:
        return "test" not in self.entry

    @property
    def date(self) -> str:
        return str(self.entry.get("date", ""))


@dataclass(frozen=True)
class SectionNote:
    """Why a section opens filled: `text` for the person; `confirm`: carried answers that
    must be confirmed (or edited) before signing."""

    text: str
    confirm: bool


@dataclass(frozen=True)
class Prefill:
    answers: dict[str, Any] = field(default_factory=dict)  # question id -> value
    notes: dict[str, SectionNote] = field(default_factory=dict)  # section id -> note
    visit: dict[str, Any] = field(default_factory=dict)  # the partial check-format visit


def prefill(
    form: Form, on: dt.date, *, last: CarriedVisit | None = None,
    course_mg_per_day: float | None = None, pregnancy_potential: bool | None = None,
    stored: Iterable[StoredResult] = (),
) -> Prefill:  # fmt: skip
    """The answers and section notes a visit of `form` on `on` opens with."""
    carried: dict[str, Any] = {}
    if last is not None:
        paths = INITIATION_FIELDS if form.kind == "initiation" else CARRIED_FIELDS
        for path in paths:
            _copy(last.visit, carried, path)
    if course_mg_per_day is not None and form.kind != "initiation":
        carried.setdefault("dose", {})["mg_per_day"] = course_mg_per_day
    record: dict[str, Any] = {}
    if pregnancy_potential is not None:
        record["patient"] = {"pregnancy_potential": pregnancy_potential}
    results = _latest(_since(stored, last), on)
    found: dict[str, Any] = {
        "labs": [r.entry for r in results if not r.is_pregnancy_test],
        "pregnancy_tests": [r.entry for r in results if r.is_pregnancy_test],
    }
    found = {k: v for k, v in found.items() if v}
    if last is not None and form.kind != "initiation" and "labs" not in found:
        found["labs"] = []  # no result since the last visit: "none", said in the note
    answers: dict[str, Any] = {}
    notes: dict[str, SectionNote] = {}
    record_note = SectionNote("Pregnancy potential as in the patient record.", False)
    carried_note = SectionNote(_carried_text(last), True)
    for part, fixed in ((record, record_note), (found, None), (carried, carried_note)):
        for qid, value in visit_dict_to_answers(form, part).items():
            answers[qid] = value
            note = fixed or SectionNote(_sources_text(results, qid), False)  # results: each's own
            section = form.section_of(qid).id
            notes[section] = _merge(notes.get(section), note)
    return Prefill(answers, notes, _merged(record, found, carried))


def _carried_text(last: CarriedVisit | None) -> str:
    """Where carried answers come from: the last signed visit, else (only the daily dose)
    the treatment course."""
    where = f"As on {last.date.isoformat()} (the {last.kind} visit)" if last else "As in the course"
    return f"{where}: confirm unchanged (Ctrl+Enter) or edit."


def _sources_text(results: Sequence[StoredResult], question_id: str) -> str:
    pregnancy = question_id == "pregnancy_tests"
    lines = [f"{_label(r)}: {r.source}" for r in results if r.is_pregnancy_test == pregnancy]
    if not lines:
        return "No blood results on file since the last visit."
    return "From stored results — " + "; ".join(lines) + "."


def _since(stored: Iterable[StoredResult], last: CarriedVisit | None) -> list[StoredResult]:
    """The results the last signed visit did not already show (none dated before it)."""
    if last is None:
        return list(stored)
    shown = [dict(e) for key in ("labs", "pregnancy_tests")
             for e in last.visit.get(key) or () if isinstance(e, Mapping)]  # fmt: skip
    return [r for r in stored
            if r.date >= last.date.isoformat() and dict(r.entry) not in shown]  # fmt: skip


def _label(result: StoredResult) -> str:
    e = result.entry
    if result.is_pregnancy_test:
        return f"{e.get('result', '')} test of {result.date}"
    uln = f" (ULN {e['uln']:g})" if isinstance(e.get("uln"), int | float) else ""
    return f"{e['test']} {e['value']:g} {e.get('unit', '')}{uln} of {result.date}"


def _merge(old: SectionNote | None, new: SectionNote) -> SectionNote:
    if old is None:
        return new
    if new.text in old.text:  # another answer of the same section, from the same place
        return SectionNote(old.text, old.confirm or new.confirm)
    return SectionNote(f"{old.text} {new.text}", old.confirm or new.confirm)


def _latest(stored: Iterable[StoredResult], on: dt.date) -> list[StoredResult]:
    """The newest stored result of each blood test, and the newest pregnancy test, dated
    on or before `on` (a later source wins on the same day)."""
    newest: dict[str, StoredResult] = {}
    for result in stored:
        if not result.date or result.date > on.isoformat():
            continue
        key = "hCG" if result.is_pregnancy_test else str(result.entry["test"])
        if key not in newest or result.date >= newest[key].date:
            newest[key] = result
    return sorted(newest.values(), key=lambda r: (r.is_pregnancy_test, str(r.entry.get("test"))))


def _copy(source: Mapping[str, Any], target: dict[str, Any], path: str) -> None:
    *parents, name = path.split(".")
    node: Any = source
    for part in parents:
        node = node.get(part) if isinstance(node, Mapping) else None
    if not isinstance(node, Mapping) or node.get(name) is None:
        return
    into = target
    for part in parents:
        into = into.setdefault(part, {})
    into[name] = node[name]


def _merged(*parts: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, Mapping) and isinstance(out.get(key), dict):
                out[key] = {**out[key], **value}
            else:
                out[key] = dict(value) if isinstance(value, Mapping) else value
    return out
