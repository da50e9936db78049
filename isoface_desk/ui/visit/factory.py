"""Widgets from Question definitions: `make_editor` picks the editor for an answer type,
`QuestionWidget` frames it with its label, help and inline problem.

`EditorEnv` holds what editors need beyond the question: the visit context (dates),
the code-list labels from the catalog, the medicine names for completion and the
questionnaires. Nothing here knows a particular question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.checklist import Form, Question, Section, VisitContext, load_questionnaire
from isoface_desk.domain.checklist_help import help_text, help_values
from isoface_desk.domain.questionnaire import Questionnaire
from isoface_desk.ui.visit.date_editor import DateEditor
from isoface_desk.ui.visit.editors import (
    AnswerEditor,
    BoolEditor,
    Choice,
    ChoiceEditor,
    NumberEditor,
    SignatureEditor,
    TextEditor,
)
from isoface_desk.ui.visit.multi_choice import MultiChoiceEditor
from isoface_desk.ui.visit.questionnaire_editor import QuestionnaireEditor
from isoface_desk.ui.visit.records_editor import RecordsEditor
from isoface_desk.ui.visit.style import BLOCK, colored, muted, scaled_font, wrapped


@dataclass(frozen=True)
class EditorEnv:
    context: VisitContext
    code_choices: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)
    suggestions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    questionnaires: Mapping[str, Questionnaire] = field(default_factory=dict)
    help_values: Mapping[str, str] = field(default_factory=dict)  # the profile's numbers

    @classmethod
    def build(
        cls, catalog: Catalog, context: VisitContext, form: Form, forms_dir: Path | None = None
    ) -> EditorEnv:
        """Choices of every forms/codes list, medicine names, and the form's questionnaires."""
        c = catalog.codes
        codes = {
            "contraception-methods": tuple(Choice(m.code, m.label) for m in c.methods.values()),
            "counselling": tuple(Choice(i.code, i.label, i.text) for i in c.counselling),
            "conditions": tuple(Choice(d.code, d.label) for d in c.conditions.values()),
            "allergies": tuple(Choice(a.code, a.label) for a in c.allergies.values()),
            "excipients": tuple(Choice(e.code, e.label) for e in c.excipients.values()),
            "potential-reasons": tuple(
                Choice(r.code, f"({r.letter}) {r.label}" if r.letter else r.label)
                for r in c.reasons.values()
            ),
        }
        names = tuple(n for klass in catalog.medicines.classes for n in klass.names)
        folder = forms_dir or catalog.forms_dir
        wanted = {q.questionnaire for q in form.questions() if q.questionnaire}
        questionnaires = {name: load_questionnaire(folder, name) for name in sorted(wanted)}
        profile = catalog.profiles.get(context.profile_id)
        values = help_values(profile) if profile is not None else {}
        return cls(context, codes, {"medicines": names}, questionnaires, values)

    def help(self, item: Question | Section) -> str:
        """The help shown under the profile in force, with the profile's numbers."""
        return help_text(item.help, item.profile_help, self.context.profile_id, self.help_values)

    def choices(self, question: Question) -> tuple[Choice, ...]:
        if question.options:
            return tuple(Choice(o.value, o.label) for o in question.options)
        return self.code_choices.get(question.codes or "", ())


def make_editor(question: Question, name: str, env: EditorEnv) -> AnswerEditor:
    """The editor for this question's answer type (sub-fields of records included)."""
    kind = question.type
    if kind == "bool":
        return BoolEditor(question, name)
    if kind == "choice":
        return ChoiceEditor(question, name, env.choices(question))
    if kind == "multi-choice":
        return MultiChoiceEditor(question, name, env.choices(question))
    if kind == "date":
        return DateEditor(question, name, env.context.visit_date)
    if kind == "number":
        return NumberEditor(question, name)
    if kind == "text":
        return TextEditor(question, name, env.suggestions.get(question.suggest or "", ()))
    if kind == "records":
        return RecordsEditor(
            question, name, env.context, lambda sub, sub_name: make_editor(sub, sub_name, env)
        )
    if kind == "questionnaire":
        return QuestionnaireEditor(question, name, env.questionnaires[question.questionnaire or ""])
    if kind == "signature":
        return SignatureEditor(question, name)
    raise ValueError(f"no editor for answer type {kind!r}")


class QuestionWidget(QWidget):
    """A question as shown: label (with "optional" when it is), help, editor, problem.

    The form's `required` / `required_when` decide the first label; the controller then
    calls `set_optional` as the answers change, since leaving some questions empty blocks
    signing through a finding (no contraception method) without the form requiring them."""

    def __init__(self, question: Question, env: EditorEnv, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self.label = wrapped(question.label, question.label)
        scaled_font(self.label, 1.0, bold=True)
        self.optional = False
        self.set_optional(not question.required and question.required_when is None)
        self.editor = make_editor(question, question.label, env)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 10)
        layout.setSpacing(4)
        layout.addWidget(self.label)
        self.help_text = env.help(question)
        if self.help_text:
            self.help = muted(wrapped(self.help_text, f"Help: {self.help_text}"))
            layout.addWidget(self.help)
        layout.addWidget(self.editor)
        self.problem_label = colored(QLabel(), BLOCK)
        self.problem_label.setWordWrap(True)
        self.problem_label.setAccessibleName("Problem with this answer")
        self.problem_label.hide()
        layout.addWidget(self.problem_label)
        self.editor.changed.connect(self.refresh_problem)

    def set_optional(self, optional: bool) -> None:
        """ "(optional)" after the label only when an empty answer is neither required nor
        blocks signing."""
        if optional != self.optional or not self.label.text():
            self.optional = optional
            self.label.setText(self.question.label + ("  (optional)" if optional else ""))

    def refresh_problem(self) -> None:
        what = self.editor.problem()
        self.problem_label.setText(f"⚠ {what}" if what else "")
        self.problem_label.setVisible(bool(what))
        if what:
            self.editor.setAccessibleDescription(what)
