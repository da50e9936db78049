"""Checklists and questionnaires: the public face of the checklist modules.

* `load_checklists(forms_dir, refs=None) -> dict[visit kind, Form]` and
  `load_questionnaire(forms_dir, "phq9")` load and validate forms/ files;
* `shown(form, answers, context)` gives the visible sections and questions, and
  `visible_fields(question, row, context)` the visible sub-fields of one record;
* `answers_to_visit_dict(form, answers, context)` builds the `isoface-check/1` input;
  `visit_dict_to_answers(form, data)` goes back;
* `question_for_field(form, path)` / `locate_field(form, path)` map a finding's or an
  input error's field path to the question to jump to;
* `form_signers(form, answers, context)` says who draws a signature (the form's visible
  signature questions) and whose signature is required.

The pieces live in checklist_model (dataclasses, dependency evaluation),
checklist_conditions and checklist_load (reading and validating files), checklist_fields
(field mapping) and questionnaire (the PHQ-9).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from isoface_desk.domain.checklist_fields import (
    FIELD_SPECS,
    REQUIRED_FIELDS,
    FieldLocation,
    FieldSpec,
    answers_to_visit_dict,
    context_from_visit_dict,
    locate_field,
    question_for_field,
    visit_dict_to_answers,
)
from isoface_desk.domain.checklist_load import (
    FormRefs,
    default_refs,
    load_checklists,
    load_form_file,
    refs_from_catalog,
)
from isoface_desk.domain.checklist_model import (
    ANSWER_TYPES,
    Condition,
    Form,
    Option,
    Question,
    Section,
    Shown,
    VisitContext,
    holds,
    is_answered,
    is_required,
    questionnaire_items,
    shown,
    visible_fields,
)
from isoface_desk.domain.questionnaire import Questionnaire, load_questionnaire

if TYPE_CHECKING:
    from isoface_desk.domain.catalog import Catalog

__all__ = [
    "ANSWER_TYPES", "FIELD_SPECS", "REQUIRED_FIELDS", "Condition", "FieldLocation", "FieldSpec",
    "Form", "FormRefs", "FormSigners", "Option", "Question", "Questionnaire", "Section", "Shown",
    "VisitContext", "answers_to_visit_dict", "choices", "context_from_visit_dict",
    "default_refs", "form_signers", "holds", "is_answered", "is_required", "load_checklists",
    "load_form_file", "load_questionnaire", "locate_field", "question_for_field",
    "questionnaire_items", "refs_from_catalog", "shown", "unanswered_required", "visible_fields",
    "visible_questions", "visible_sections", "visit_dict_to_answers",
]  # fmt: skip


def visible_sections(
    form: Form, answers: Mapping[str, Any], context: VisitContext
) -> list[Section]:
    """The sections shown for these answers (a section with no visible question is hidden)."""
    return list(shown(form, answers, context).sections)


def visible_questions(
    form: Form, answers: Mapping[str, Any], context: VisitContext
) -> list[Question]:
    """The questions shown for these answers, in form order."""
    return list(shown(form, answers, context).questions)


def unanswered_required(
    form: Form, answers: Mapping[str, Any], context: VisitContext
) -> list[Question]:
    """Visible required questions still unanswered, and records questions with a record
    missing a required visible sub-field. (Completeness only: the engine decides safety.)"""
    view = shown(form, answers, context)
    out: list[Question] = []
    for q in view.questions:
        value = view.answers.get(q.id)
        if value is None:
            value = q.default  # what the visit will carry when left alone
        missing = view.required(q, context) and not is_answered(q, value)
        if missing or (q.type == "records" and _incomplete_row(q, value, context)):
            out.append(q)
    return out


@dataclass(frozen=True)
class FormSigners:
    """The drawn signatures a filled form asks for, by signer ("patient", "guardian"...),
    in form order. The prescriber signs by re-entering the password, never by drawing."""

    asked: tuple[str, ...]  # signers of the visible signature questions
    required: tuple[str, ...]  # those of them the form requires


def form_signers(form: Form, answers: Mapping[str, Any], context: VisitContext) -> FormSigners:
    """Who signs this visit by hand, as the form says: e.g. the initiation asks for the
    patient, and a guardian when the patient is under 18; a follow-up asks for nobody."""
    view = shown(form, answers, context)
    questions = [q for q in view.questions if q.type == "signature" and q.signer]
    return FormSigners(
        asked=tuple(str(q.signer) for q in questions),
        required=tuple(str(q.signer) for q in questions if view.required(q, context)),
    )


def _incomplete_row(q: Question, rows: object, context: VisitContext) -> bool:
    from isoface_desk.domain.checklist_model import row_is_blank

    if not isinstance(rows, list | tuple):
        return False
    for row in rows:
        if not isinstance(row, Mapping) or row_is_blank(q, row):
            continue
        index = {f.id: f for f in q.fields}
        for sub in visible_fields(q, row, context):
            value = row.get(sub.id, sub.default)
            if is_required(sub, row, index, context) and not is_answered(sub, value):
                return True
    return False


def choices(question: Question, catalog: Catalog) -> tuple[Option, ...]:
    """The answers a choice or multi-choice question offers, in order: its own options, or
    the codes of its code list with their labels (and a counselling item's patient text)."""
    if question.options or not question.codes:
        return question.options
    c = catalog.codes
    if question.codes == "counselling":
        return tuple(Option(i.code, i.label, i.text) for i in c.counselling)
    lists: dict[str, Mapping[str, Any]] = {
        "contraception-methods": c.methods,
        "conditions": c.conditions,
        "allergies": c.allergies,
        "excipients": c.excipients,
        "potential-reasons": c.reasons,
    }
    return tuple(Option(code, item.label) for code, item in lists[question.codes].items())
