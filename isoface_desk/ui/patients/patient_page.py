"""The patient page (view): who the patient is, the course timeline with the visits and
their verdicts, PHQ-9 and cumulative-dose charts, the latest labs and the tests due next,
and the buttons to start or continue a visit.

It only shows what `services.timeline` computed. Verdicts are written out, not only
coloured. Alt+Left goes back to the list, Ctrl+E edits the details; the visit buttons
carry mnemonics (Alt+V new visit, Alt+C continue a draft).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.services.care.courses import current_mg_per_day
from isoface_desk.services.care.timeline import Course, Draft, PatientTimeline
from isoface_desk.ui.orders.due_model import LEVEL_COLORS
from isoface_desk.ui.patients.model import age_on
from isoface_desk.ui.widgets.charts import CumulativeDoseChart, Phq9Chart

VERDICT_COLORS = {"clear": "#1e6b35", "needs-review": "#8a5300", "blocked": "#b3261e"}
VERDICT_WORDS = {"clear": "Clear", "needs-review": "Needs review", "blocked": "Blocked"}
KIND_WORDS = {"initiation": "Initiation", "follow-up": "Follow-up",
              "end-of-course": "End-of-course"}  # fmt: skip
STATUS_WORDS = {"planned": "Planned", "active": "Active", "completed": "Completed",
                "stopped": "Stopped early"}  # fmt: skip
OVERDUE = "#b3261e"
#: How an abnormal lab result is named on the page (its tint is the due list's).
LEVEL_WORDS = {"high": "above the laboratory's range", "warn": "warning",
               "block": "blocks prescribing"}  # fmt: skip
MAX_DUE_ROWS = 6


def _label(text: str, name: str, *, scale: float = 1.0, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setAccessibleName(name)
    if scale != 1.0 or bold:
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * scale)
        font.setBold(bold)
        label.setFont(font)
    return label


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(name)
    button.setAutoDefault(False)
    return button


def _table(name: str, headers: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setDefaultSectionSize(int(table.fontMetrics().height() * 1.45))
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def course_end(course: Course) -> str:
    if course.end_date is not None:
        return f"ended {course.end_date.isoformat()}"
    planned = course.details.get("planned_end_date")
    return f"planned end {planned}" if planned else ""


def course_mg(course: Course) -> str:
    """The current daily dose of a course ("60 mg/day"), or "" if unknown."""
    mg = current_mg_per_day(course)
    return f"{mg:g} mg/day" if mg is not None else ""


def course_dose(course: Course) -> str:
    product = course.product
    if "mg" not in product:
        product += f" {course.strength_mg:g} mg"
    mg = course_mg(course)
    return f"{product}, {mg}" if mg else product


class PatientPage(QWidget):
    """Signals: back, edit, new_visit(kind), continue_draft(kind), record(record id)."""

    back_requested = Signal()
    edit_requested = Signal()
    new_visit_requested = Signal(str)
    continue_requested = Signal(str)
    record_requested = Signal(int)  # a signed record activated: open its PDF
    stop_course_requested = Signal(int)  # course id: stop it early (a reason is asked)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Patient page")
        self.timeline: PatientTimeline | None = None
        self._build()
        for sequence, slot in (("Alt+Left", self.back_requested.emit),
                               ("Ctrl+E", self._on_edit_shortcut)):  # fmt: skip
            shortcut = QShortcut(QKeySequence(sequence), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # ----- building

    def _build(self) -> None:
        em = self.fontMetrics().height()
        self.back_button = _button("← &Patients", "Back to the patient list")
        self.back_button.setToolTip("Alt+Left")
        self.name_label = _label("", "Patient name", scale=1.5, bold=True)
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_label = _label("", "Patient details")
        self.details_label.setWordWrap(True)
        self.edit_button = _button("&Edit details…", "Edit patient details")
        self.edit_button.setToolTip("Ctrl+E")
        self.visit_buttons = QHBoxLayout()
        self.visit_buttons.setSpacing(int(em * 0.5))
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addSpacing(em)
        top.addWidget(self.name_label, 1)
        top.addWidget(self.edit_button)
        actions = QHBoxLayout()
        actions.addWidget(self.details_label, 1)
        actions.addLayout(self.visit_buttons)
        header = QVBoxLayout()
        header.setContentsMargins(int(1.5 * em), int(0.8 * em), int(1.5 * em), int(0.4 * em))
        header.addLayout(top)
        header.addLayout(actions)
        body = QWidget()
        body.setAccessibleName("Course overview")
        grid = QGridLayout(body)
        grid.setContentsMargins(int(1.5 * em), int(0.4 * em), int(1.5 * em), em)
        grid.setHorizontalSpacing(int(1.2 * em))
        grid.setVerticalSpacing(int(0.6 * em))
        self._build_body(grid, em)
        self.scroll_area = QScrollArea()
        self.scroll_area.setAccessibleName("Patient page content")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        layout.addWidget(self.scroll_area, 1)
        self.back_button.clicked.connect(self.back_requested)
        self.edit_button.clicked.connect(self.edit_requested)

    def _build_body(self, grid: QGridLayout, em: int) -> None:
        self.phq9_chart = Phq9Chart()
        self.dose_chart = CumulativeDoseChart()
        for chart in (self.phq9_chart, self.dose_chart):
            chart.setMinimumHeight(int(11 * em))
            chart.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # its description is read aloud
        self.charts_note = _label("", "Charts note")
        self.charts_note.setWordWrap(True)
        self.charts_note.hide()
        self.timeline_tree = QTreeWidget()
        self.timeline_tree.setAccessibleName("Course timeline")
        self.timeline_tree.setHeaderLabels(["Date", "Event", "Verdict or status", "Notes"])
        self.timeline_tree.setRootIsDecorated(True)
        self.timeline_tree.setUniformRowHeights(True)
        header = self.timeline_tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.timeline_tree.setMinimumHeight(int(9 * em))
        self.timeline_tree.itemActivated.connect(self._on_timeline_tree_item_activated)
        self.labs_table = _table("Latest labs", ("Test", "Latest result", "Date"))
        self.due_table = _table("Next due tests", ("Tests", "Due", "Status"))
        for table in (self.labs_table, self.due_table):
            table.setMinimumHeight(int(7 * em))
        grid.addWidget(self.phq9_chart, 0, 0)
        grid.addWidget(self.dose_chart, 0, 1)
        grid.addWidget(self.charts_note, 1, 0, 1, 2)
        grid.addWidget(_label("Course timeline", "Course timeline heading", bold=True), 2, 0)
        grid.addWidget(self.timeline_tree, 3, 0, 3, 1)
        grid.addWidget(_label("Latest labs", "Latest labs heading", bold=True), 2, 1)
        grid.addWidget(self.labs_table, 3, 1)
        grid.addWidget(_label("Next due tests", "Next due tests heading", bold=True), 4, 1)
        grid.addWidget(self.due_table, 5, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(3, 2)
        grid.setRowStretch(5, 2)

    # ----- filling

    def show_timeline(
        self, timeline: PatientTimeline, *, can_edit: bool, visit_kinds: list[str],
        shows_records: bool,
    ) -> None:  # fmt: skip
        self.timeline = timeline
        patient = timeline.patient
        self.name_label.setText(patient.full_name or "(no name)")
        self.name_label.setAccessibleDescription(patient.full_name)
        self.details_label.setText(self._details_text(timeline))
        self.details_label.setAccessibleDescription(self.details_label.text())
        self.edit_button.setVisible(can_edit)
        self._fill_visit_buttons(timeline.drafts, visit_kinds)
        self._add_stop_button(timeline, can_stop="follow-up" in visit_kinds)
        self._fill_timeline(timeline)
        self._fill_charts(timeline, shows_records)
        self._fill_labs(timeline)
        self._fill_due(timeline)
        self.scroll_area.verticalScrollBar().setValue(0)

    def _details_text(self, t: PatientTimeline) -> str:
        p = t.patient
        parts = [f"Born {p.birth_date.isoformat()} (age {age_on(p.birth_date, t.today)})",
                 f"sex at birth {p.sex_at_birth}"]  # fmt: skip
        if p.can_get_pregnant is not None:
            parts.append("can get pregnant" if p.can_get_pregnant else "cannot get pregnant")
        parts.append(f"clinic number {p.clinic_number}")
        if p.phone:
            parts.append(f"phone {p.phone}")
        course = t.current_course
        if course is not None:
            parts.append(f"{STATUS_WORDS.get(course.status, course.status).lower()} course: "
                         f"{course_dose(course)}")  # fmt: skip
        return " · ".join(parts)

    def _fill_visit_buttons(self, drafts: tuple[Draft, ...], kinds: list[str]) -> None:
        while self.visit_buttons.count():
            item = self.visit_buttons.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().hide()  # type: ignore[union-attr]  # gone at once, deleted later
                item.widget().deleteLater()  # type: ignore[union-attr]
        self.continue_buttons: dict[str, QPushButton] = {}
        self.new_visit_buttons: dict[str, QPushButton] = {}
        draft_kinds = {d.visit_kind: d for d in drafts}
        for kind in kinds:
            words = KIND_WORDS.get(kind, kind).lower()
            draft = draft_kinds.get(kind)
            if draft is not None:
                text = f"&Continue {words} visit ({draft.visit_date.isoformat()})"
                button = _button(text, f"Continue the unsigned {words} visit")
                button.clicked.connect(lambda _c=False, k=kind: self.continue_requested.emit(k))
                self.continue_buttons[kind] = button
            else:
                text = f"New {words} &visit" if len(kinds) == 1 else f"New {words} visit"
                button = _button(text, f"New {words} visit")
                button.clicked.connect(lambda _c=False, k=kind: self.new_visit_requested.emit(k))
                self.new_visit_buttons[kind] = button
            self.visit_buttons.addWidget(button)

    def _add_stop_button(self, t: PatientTimeline, *, can_stop: bool) -> None:
        """ "Stop the course…" beside the visits while a course runs (for a prescriber)."""
        self.stop_button: QPushButton | None = None
        course = t.current_course
        if not can_stop or course is None or course.status != "active":
            return
        button = _button("S&top the course…", f"Stop course {course.id} early, with a reason")
        button.setToolTip("End the course before its planned end; the reason is recorded")
        button.clicked.connect(lambda _c=False, cid=course.id: self.stop_course_requested.emit(cid))
        self.visit_buttons.addWidget(button)
        self.stop_button = button

    def _fill_timeline(self, t: PatientTimeline) -> None:
        tree = self.timeline_tree
        tree.clear()
        records = sorted(t.records, key=lambda r: (r.visit_date, r.id))
        for course in t.courses:
            notes = ", ".join(x for x in (course_mg(course), course_end(course)) if x)
            top = QTreeWidgetItem(
                [
                    course.start_date.isoformat(),
                    f"Course {course.id} starts",
                    STATUS_WORDS.get(course.status, course.status),
                    notes,
                ]
            )
            top.setToolTip(3, f"{course_dose(course)}, {course_end(course)}")
            tree.addTopLevelItem(top)
            events: list[tuple[dt.date, QTreeWidgetItem]] = []
            for change in course.details.get("dose_changes") or []:
                item = QTreeWidgetItem([str(change.get("date", "")), "Dose change", "",
                                        f"{change.get('mg_per_day', 0):g} mg/day"])  # fmt: skip
                events.append((dt.date.fromisoformat(str(change.get("date"))), item))
            for record in records:
                if record.course_id == course.id:
                    events.append((record.visit_date, self._record_item(record)))
            for _day, item in sorted(events, key=lambda e: e[0]):
                top.addChild(item)
            top.setExpanded(True)
        for record in records:
            if record.course_id is None:
                tree.addTopLevelItem(self._record_item(record))
        for draft in t.drafts:
            kind = KIND_WORDS.get(draft.visit_kind, draft.visit_kind)
            tree.addTopLevelItem(
                QTreeWidgetItem(
                    [draft.visit_date.isoformat(), f"{kind} visit", "Unsigned draft", ""]
                )
            )
        if tree.topLevelItemCount() == 0:
            tree.addTopLevelItem(QTreeWidgetItem(["", "No courses or visits yet", "", ""]))
        first = tree.topLevelItem(0)
        if first is not None:
            # current (for the keyboard) without painting it selected
            tree.setCurrentItem(first, 0, QItemSelectionModel.SelectionFlag.NoUpdate)

    def _record_item(self, record: object) -> QTreeWidgetItem:
        from isoface_desk.services.visits.records import RecordSummary

        assert isinstance(record, RecordSummary)
        verdict = VERDICT_WORDS.get(record.verdict, record.verdict)
        notes = [f"record {record.id}"]
        if record.has_justified_warnings:
            notes.append("warnings justified")
        if record.corrects_record_id is not None:
            notes.append(f"corrects record {record.corrects_record_id}")
        corrected_by = [r.id for r in (self.timeline.records if self.timeline else ())
                        if getattr(r, "corrects_record_id", None) == record.id]  # fmt: skip
        if corrected_by:
            notes.append("corrected by record " + ", ".join(str(i) for i in corrected_by))
        item = QTreeWidgetItem([record.visit_date.isoformat(),
                                f"{KIND_WORDS.get(record.visit_kind, record.visit_kind)} visit",
                                verdict, ", ".join(notes)])  # fmt: skip
        item.setForeground(2, QBrush(QColor(VERDICT_COLORS.get(record.verdict, "#000000"))))
        item.setData(0, Qt.ItemDataRole.UserRole, record.id)
        item.setToolTip(1, "Double-click or press Enter to open the signed PDF")
        font = item.font(2)
        font.setBold(True)
        item.setFont(2, font)
        return item

    def _fill_charts(self, t: PatientTimeline, shows_records: bool) -> None:
        self.phq9_chart.setVisible(shows_records)
        self.dose_chart.setVisible(shows_records)
        self.charts_note.setVisible(not shows_records)
        if not shows_records:
            self.charts_note.setText("PHQ-9 and dose charts come from signed checklists, "
                                     "which your role does not show.")  # fmt: skip
            return
        self.phq9_chart.set_points(list(t.phq9))
        self.dose_chart.set_target(*t.dose_target)
        self.dose_chart.set_points(list(t.dose))
        self.dose_chart.set_projection(t.dose_projection)

    def _fill_labs(self, t: PatientTimeline) -> None:
        table = self.labs_table
        table.setRowCount(0)
        for value in t.labs:
            row = table.rowCount()
            table.insertRow(row)
            name = "HCG (pregnancy test)" if value.test == "HCG" else value.test
            result = value.text() + (f"  — {LEVEL_WORDS[value.level]}" if value.abnormal else "")
            cells = [name, result, value.date.isoformat()]
            colors = LEVEL_COLORS.get(value.level)  # as the nurses' due list tints them
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if colors is not None:
                    item.setForeground(QBrush(colors[0]))
                    item.setBackground(QBrush(colors[1]))
                if value.message:
                    item.setToolTip(value.message)
                table.setItem(row, column, item)
        if not t.labs:
            self._empty_row(table, "No lab results yet")

    def _fill_due(self, t: PatientTimeline) -> None:
        table = self.due_table
        table.setRowCount(0)
        for due in t.due[:MAX_DUE_ROWS]:
            row = table.rowCount()
            table.insertRow(row)
            overdue = due.overdue(t.today)
            status = "Overdue" if overdue else due.status.capitalize()
            window = f"{due.due_from.isoformat()} to {due.due_until.isoformat()}"
            for column, text in enumerate((", ".join(due.tests), window, status)):
                item = QTableWidgetItem(text)
                if overdue:
                    item.setForeground(QBrush(QColor(OVERDUE)))
                table.setItem(row, column, item)
        if not t.due:
            self._empty_row(table, "No tests due")

    def _empty_row(self, table: QTableWidget, text: str) -> None:
        table.insertRow(0)
        table.setItem(0, 0, QTableWidgetItem(text))

    def _on_timeline_tree_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        record_id = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(record_id, int):
            self.record_requested.emit(record_id)

    def _on_edit_shortcut(self) -> None:
        if self.edit_button.isVisible():
            self.edit_requested.emit()
