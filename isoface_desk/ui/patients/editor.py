"""Add or edit a patient's details: a form dialog that says what is wrong before saving.

The dialog checks what it can itself (names, a real birth date not in the future, a
clinic number) and shows every problem at once above the form, with the fields marked;
what only the database knows (a clinic number already used) comes back from the service
as an InputError and is shown the same way. So is a save refused because another
workstation changed the patient after this dialog opened (ConflictError): the dialog stays
open with everything typed in it. The dialog closes only once saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.errors import ConflictError, InputError, IsofaceError
from isoface_desk.services.care.patients import SEXES, PatientData
from isoface_desk.services.care.timeline import Patient
from isoface_desk.ui.messages import MessageChannel

SavePatient = Callable[[PatientData], Patient]
PREGNANCY_CHOICES = (("Not recorded", None), ("Yes", True), ("No", False))
ERROR_STYLE = "QLineEdit { border: 2px solid #b3261e; }"


def parse_birth_date(text: str, today: dt.date) -> tuple[dt.date | None, str]:
    """(date, problem): yyyy-mm-dd or dd/mm/yyyy (also dd.mm.yyyy), not in the future."""
    text = text.strip()
    if not text:
        return None, "Enter the birth date."
    day: dt.date | None = None
    try:
        if "-" in text:
            day = dt.date.fromisoformat(text)
        else:
            parts = text.replace(".", "/").split("/")
            if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
                day = dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        day = None
    if day is None:
        return None, "The birth date is not a date: write it as 2004-05-10 or 10/05/2004."
    if day > today:
        return None, "The birth date is in the future."
    if today.year - day.year > 120:
        return None, "The birth date is more than 120 years ago."
    return day, ""


class PatientDialog(QDialog):
    """`saved(patient)` after the service stored the details."""

    saved = Signal(object)

    def __init__(
        self,
        save: SavePatient,
        messages: MessageChannel,
        patient: Patient | None = None,
        *,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._messages = messages
        self._today = today
        title = "Edit patient details" if patient is not None else "Add a patient"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._build()
        if patient is not None:
            self._fill(patient)
        self._patient = patient
        self.given.setFocus()

    def _line(self, name: str, hint: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(name)
        edit.setPlaceholderText(hint)
        edit.textEdited.connect(lambda _t, e=edit: e.setStyleSheet(""))
        return edit

    def _combo(self, name: str, items: list[tuple[str, object]]) -> QComboBox:
        combo = QComboBox()
        combo.setAccessibleName(name)
        for text, value in items:
            combo.addItem(text, value)
        return combo

    def _build(self) -> None:
        em = self.fontMetrics().height()
        self.problems_label = QLabel()
        self.problems_label.setAccessibleName("Problems to correct")
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet(
            "QLabel { color: #b3261e; background: #fdecea; padding: 0.5em; border-radius: 4px; }"
        )
        self.problems_label.hide()
        self.given = self._line("Given name")
        self.family = self._line("Family name")
        self.birth = self._line("Birth date", "yyyy-mm-dd or dd/mm/yyyy")
        self.sex = self._combo("Sex at birth", [(s, s) for s in SEXES])
        self.pregnancy = self._combo("Can get pregnant", list(PREGNANCY_CHOICES))
        self.clinic_number = self._line("Clinic number")
        self.phone = self._line("Phone")
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, widget in (
            ("&Given name:", self.given),
            ("&Family name:", self.family),
            ("&Birth date:", self.birth),
            ("&Sex at birth:", self.sex),
            ("Can get &pregnant:", self.pregnancy),
            ("Clinic &number:", self.clinic_number),
            ("P&hone:", self.phone),
        ):
            form.addRow(label, widget)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setAccessibleName("Save patient")
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setAccessibleName("Cancel")
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.problems_label)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(int(28 * em))

    def _fill(self, patient: Patient) -> None:
        self.given.setText(patient.given_name)
        self.family.setText(patient.family_name)
        self.birth.setText(patient.birth_date.isoformat())
        self.sex.setCurrentIndex(max(0, self.sex.findData(patient.sex_at_birth)))
        values = [v for _t, v in PREGNANCY_CHOICES]
        self.pregnancy.setCurrentIndex(values.index(patient.can_get_pregnant))
        self.clinic_number.setText(patient.clinic_number)
        self.phone.setText(patient.phone)

    # ----- checking and saving

    def collect(self) -> tuple[PatientData | None, list[str]]:
        """The entered details, or the problems with them (fields marked)."""
        problems: list[tuple[str, QLineEdit]] = []
        if not (self.given.text().strip() or self.family.text().strip()):
            problems.append(("Enter a given or a family name.", self.given))
        birth, problem = parse_birth_date(self.birth.text(), self._today())
        if problem:
            problems.append((problem, self.birth))
        if not self.clinic_number.text().strip():
            problems.append(("Enter the clinic number.", self.clinic_number))
        for _text, edit in problems:
            edit.setStyleSheet(ERROR_STYLE)
        if problems or birth is None:
            return None, [text for text, _edit in problems]
        old = self._patient
        data = PatientData(
            given_name=self.given.text().strip(),
            family_name=self.family.text().strip(),
            birth_date=birth,
            sex_at_birth=str(self.sex.currentData()),
            clinic_number=self.clinic_number.text().strip(),
            can_get_pregnant=self.pregnancy.currentData(),
            phone=self.phone.text().strip(),
            other_identifiers=dict(old.other_identifiers) if old else {},
            attributes=dict(old.attributes) if old else {},
        )
        return data, []

    def show_problems(self, problems: list[str]) -> None:
        self.problems_label.setText("\n".join(f"• {p}" for p in problems))
        self.problems_label.setAccessibleDescription(" ".join(problems))
        self.problems_label.setVisible(bool(problems))
        first = next((e for e in self._edits() if e.styleSheet()), None)
        if first is not None:
            first.setFocus()

    def _edits(self) -> list[QLineEdit]:
        return [self.given, self.family, self.birth, self.clinic_number, self.phone]

    def _on_buttons_accepted(self) -> None:
        data, problems = self.collect()
        if data is None:
            self.show_problems(problems)
            return
        try:
            patient = self._save(data)
        except InputError as exc:
            if "Clinic number" in str(exc):
                self.clinic_number.setStyleSheet(ERROR_STYLE)
            self.show_problems(list(exc.problems) or [str(exc)])
            return
        except ConflictError as exc:
            self.show_problems([str(exc)])  # what was typed stays, to be copied or retyped
            return
        except IsofaceError as exc:
            self._messages.report(exc)
            return
        self.saved.emit(patient)
        self.accept()
