"""One signed record as the auditor sees it: facts, hash checks, signature status, the
stored PDF exactly as printed (the shared QtPdf preview, with audited Print and Save) and
the record's own trail (who signed, viewed, printed and exported it, and when).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QFrame,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from isoface_desk.services.audit.audit_review import OpenedRecord, TrailEntry
from isoface_desk.services.bundle import Services
from isoface_desk.services.context import Actor
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.pdf.preview import (
    PathChooser,
    PdfPreviewController,
    PrinterChooser,
    ask_printer,
    ask_save_path,
)
from isoface_desk.ui.pdf.preview_view import PdfPreviewView
from isoface_desk.ui.pdf.record_preview import RecordPdfActions

OK_MARK = "✓"
BAD_MARK = "✗"
TRAIL_COLUMNS = ("When", "Who", "Action", "Details")
EMPTY_TEXT = "Choose a record in the list to see it exactly as it was signed."


def _value_label(name: str) -> QLabel:
    label = QLabel()
    label.setAccessibleName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # Left whatever script the text starts with (a Hebrew or Arabic name must not flip it).
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignAbsolute)
    return label


def check_text(ok: bool, value: str | None, what: str) -> str:
    if value is None:
        return f"none ({what} missing)"
    mark = OK_MARK if ok else BAD_MARK
    verdict = "matches the stored hash" if ok else "DOES NOT MATCH: run the integrity check"
    return f"{mark} {value[:16]}…{value[-8:]} ({verdict})"


def trail_details(entry: TrailEntry) -> str:
    """The event's details worth reading in the trail (no patient names are stored)."""
    hidden = ("patient_id", "pdf_hash", "content_hash")
    keep = {k: v for k, v in entry.details.items() if k not in hidden and v is not None}
    return ", ".join(f"{k}: {v}" for k, v in sorted(keep.items()))


class RecordPanel(QWidget):
    """Empty until `show_record`; the PDF preview is rebuilt for each record."""

    def __init__(
        self,
        services: Services,
        actor: Actor,
        channel: MessageChannel,
        *,
        choose_printer: PrinterChooser | None = None,
        choose_save_path: PathChooser | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.services, self.actor, self.channel = services, actor, channel
        self._choose_printer = choose_printer or ask_printer
        self._choose_save_path = choose_save_path or ask_save_path
        self.setAccessibleName("Signed record")
        self.opened: OpenedRecord | None = None
        self.preview: PdfPreviewController | None = None
        self._build()

    def _build(self) -> None:
        em = self.fontMetrics().height()
        self.title = QLabel(EMPTY_TEXT)
        self.title.setAccessibleName("Record title")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        self.facts = QFrame()
        form = QFormLayout(self.facts)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(em // 4)
        self.fields: dict[str, QLabel] = {}
        for name in ("Patient", "Prescriber", "Profile and verdict", "Signed",
                     "Justifications", "Content hash", "PDF hash", "Signature"):  # fmt: skip
            self.fields[name] = _value_label(name)
            form.addRow(f"{name}:", self.fields[name])
        self.facts.setVisible(False)
        self.pdf_holder = QVBoxLayout()
        self.pdf_holder.setContentsMargins(0, 0, 0, 0)
        holder = QWidget()
        holder.setLayout(self.pdf_holder)
        self.trail = QTableWidget(0, len(TRAIL_COLUMNS))
        self.trail.setAccessibleName("Record trail")
        self.trail.setHorizontalHeaderLabels(TRAIL_COLUMNS)
        self.trail.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.trail.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.trail.verticalHeader().hide()
        self.trail.setAlternatingRowColors(True)
        self.trail.setMinimumHeight(int(6.5 * em))
        self.trail.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((10, 9, 6)):
            self.trail.setColumnWidth(column, width * em)
        self.trail_label = QLabel("Trail")
        self.trail_label.setAccessibleName("Trail heading")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, em // 3, 0, 0)
        lower_layout.addWidget(self.trail_label)
        lower_layout.addWidget(self.trail)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(holder)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.facts)
        layout.addWidget(self.splitter, 1)
        layout.addStretch(0)

    # ----- showing a record

    def show_record(self, opened: OpenedRecord) -> None:
        self.opened = opened
        item = opened.item
        self.title.setText(f"Record {item.id} · {item.visit_kind} visit of {item.visit_date}")
        f = self.fields
        f["Patient"].setText(f"clinic number {item.clinic_number} · {item.patient_name}")
        f["Prescriber"].setText(item.prescriber_name)
        correction = (f" · corrects record {item.corrects_record_id}"
                      if item.corrects_record_id else "")  # fmt: skip
        f["Profile and verdict"].setText(f"{item.profile_id} · {item.verdict}{correction}")
        when = opened.signed_at.astimezone().strftime("%Y-%m-%d %H:%M")
        f["Signed"].setText(f"{when} by {opened.signed_by}")
        f["Justifications"].setText(
            "\n".join(f"{code}: {text}" for code, text in sorted(opened.justifications.items()))
            or "none (no warnings)"
        )
        f["Content hash"].setText(check_text(opened.content_hash_ok, item.content_hash,
                                             "content"))  # fmt: skip
        f["PDF hash"].setText(check_text(opened.pdf_hash_ok, opened.pdf_hash, "PDF"))
        valid = opened.verification is not None and opened.verification.ok
        f["Signature"].setText(f"{OK_MARK if valid else BAD_MARK} {opened.signature_text}")
        self.facts.setVisible(True)
        self._show_pdf(opened)
        self._show_trail(opened.trail)
        self.splitter.setVisible(True)

    def _show_pdf(self, opened: OpenedRecord) -> None:
        if self.preview is not None:
            self.preview.view.deleteLater()
            self.preview = None
        if opened.pdf is None:
            return
        view = PdfPreviewView()
        actions = RecordPdfActions(self.services, self.actor, opened.item.id)
        controller = PdfPreviewController(view, actions, self.channel,
                                          choose_printer=self._choose_printer,
                                          choose_save_path=self._choose_save_path)  # fmt: skip
        controller.load(opened.pdf)
        view.status_label.setText(
            f"Record {opened.item.id} · the digitally signed PDF exactly as stored · "
            f"{controller.page_count()} pages"
        )
        self.pdf_holder.addWidget(view)
        self.preview = controller

    def _show_trail(self, trail: tuple[TrailEntry, ...]) -> None:
        self.trail.setRowCount(len(trail))
        for row, entry in enumerate(trail):
            when = entry.time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            for column, text in enumerate((when, entry.actor, entry.action,
                                           trail_details(entry))):  # fmt: skip
                self.trail.setItem(row, column, QTableWidgetItem(text))
        self.trail_label.setText(f"Trail of this record ({len(trail)} events)")

    def clear(self) -> None:
        self.opened = None
        if self.preview is not None:
            self.preview.view.deleteLater()
            self.preview = None
        self.title.setText(EMPTY_TEXT)
        self.facts.setVisible(False)
        self.splitter.setVisible(False)
        self.trail.setRowCount(0)
