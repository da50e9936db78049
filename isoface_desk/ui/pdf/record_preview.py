"""Open a signed record's stored PDF in the preview: after signing, or from any past record.

    open_record_preview(parent, services, actor, record_id)

Opening is an audited "view" (permission record.read); Print is an audited "print" and
Save as PDF an audited "export" (permission record.export), both checked again by the
services at the moment they happen. A refusal or a missing record is reported through
the message channel and nothing opens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QPushButton, QWidget

from isoface_desk.errors import IsofaceError
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.bundle import Services
from isoface_desk.services.context import Actor
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.pdf.preview import (
    PathChooser,
    PdfPreviewDialog,
    PrinterChooser,
    ask_printer,
    ask_save_path,
)

Correct = Callable[[int, str], None]  # record id, reason: open the correction
AskReason = Callable[[QWidget], "str | None"]

log = logging.getLogger("isoface.ui.pdf")


class RecordPdfActions:
    """PdfActions for signed record `record_id`, through the audited services."""

    def __init__(self, services: Services, actor: Actor, record_id: int) -> None:
        self.services = services
        self.actor = actor
        self.record_id = record_id

    @property
    def title(self) -> str:
        return f"Signed record {self.record_id}"

    @property
    def suggested_file_name(self) -> str:
        return f"isoface-record-{self.record_id}.pdf"

    def output_refusal(self) -> str:
        if self.actor.may(Permission.RECORD_EXPORT):
            return ""
        return "Your role may read this record but not print or export it."

    def load(self) -> bytes:
        return self.services.records.pdf(self.actor, self.record_id, purpose="view")

    def before_print(self) -> bytes:
        return self.services.records.pdf(self.actor, self.record_id, purpose="print")

    def save(self, path: Path) -> None:
        # the save dialog asked before replacing a file; a database or device is refused
        self.services.documents.export_pdf(self.actor, self.record_id, path, force=True)


def ask_correction_reason(parent: QWidget) -> str | None:
    """Why the record is corrected (printed on the correction, kept with its signature)."""
    text, ok = QInputDialog.getMultiLineText(
        parent, "Correct this record", "What was wrong in the signed record? The reason is "
        "printed on the correction; the original stays as it is.")  # fmt: skip
    return text.strip() if ok and text.strip() else None


def open_record_preview(
    parent: QWidget | None,
    services: Services,
    actor: Actor,
    record_id: int,
    *,
    channel: MessageChannel | None = None,
    choose_printer: PrinterChooser = ask_printer,
    choose_save_path: PathChooser = ask_save_path,
    correct: Correct | None = None,
    ask_reason: AskReason = ask_correction_reason,
) -> PdfPreviewDialog | None:
    """Show record `record_id`'s signed PDF in a new preview window; None if refused.
    With `correct` (for a prescriber), "Correct this record…" asks why and hands the
    record and the reason on (the Visit area opens the correction)."""
    channel = channel if channel is not None else MessageChannel(parent)
    actions = RecordPdfActions(services, actor, record_id)
    try:
        pdf = actions.load()
    except IsofaceError as exc:
        channel.report(exc)
        return None
    dialog = PdfPreviewDialog(
        actions, channel, parent, choose_printer=choose_printer, choose_save_path=choose_save_path
    )
    try:
        dialog.controller.load(pdf)
    except IsofaceError as exc:
        dialog.deleteLater()
        channel.report(exc)
        return None
    pages = dialog.controller.page_count()
    dialog.view.status_label.setText(
        f"Record {record_id} · the digitally signed PDF exactly as stored · {pages} pages"
    )
    if correct is not None and actor.may(Permission.RECORD_SIGN):
        _add_correct_button(dialog, record_id, correct, ask_reason)
    log.info("record %d opened in the preview", record_id)
    dialog.show()
    return dialog


def _add_correct_button(
    dialog: PdfPreviewDialog, record_id: int, correct: Correct, ask_reason: AskReason
) -> None:
    button = QPushButton("Co&rrect this record…")
    button.setAccessibleName("Correct this record")
    button.setToolTip("Sign a correction: a new record that amends this one")

    def clicked() -> None:
        reason = ask_reason(dialog)
        if reason is not None:
            dialog.close()
            correct(record_id, reason)

    button.clicked.connect(clicked)
    bar = dialog.view.actions_bar
    bar.insertWidget(bar.indexOf(dialog.view.save_button), button)
    dialog.correct_button = button  # type: ignore[attr-defined]
