"""The in-app preview of a signed record: pages, zoom, Print to a QPrinter in PDF mode, Save.

The real buttons are clicked; only the two system dialogs are replaced, by choosers that
stand for a person picking a PDF printer (at 150 dpi, to keep the test fast) or a file.
Opening, printing and saving are checked against the audit trail.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QRect, QSizeF, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from isoface_desk.devtools.demo import DEMO_PASSWORD
from isoface_desk.services.bundle import Services
from isoface_desk.services.context import Actor
from isoface_desk.storage.audit import events_for_target
from isoface_desk.storage.db import read_scope
from isoface_desk.ui.a11y import controls_without_accessible_name
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.pdf import PdfPreviewDialog, open_record_preview
from isoface_desk.ui.pdf.preview import PathChooser, PrinterChooser, ask_printer, ask_save_path
from isoface_desk.ui.pdf.printing import pages_to_print, target_rect
from tests.documents.pdftools import ink_fraction, render
from tests.pdf_world import WARNED_NAME, PdfWorld, world_fixtures

PRINT_DPI = 150


world, services = world_fixtures("pdf-preview")


@pytest.fixture(scope="module")
def auditor(services: Services) -> Actor:
    return services.auth.login("auditor", DEMO_PASSWORD)


@pytest.fixture
def channel() -> MessageChannel:
    return MessageChannel(show_dialogs=False)


def actions_on(services: Services, record_id: int, action: str) -> list[str]:
    with read_scope(services.engine) as session:
        events = events_for_target(session, "record", record_id)
    return [e.actor for e in events if e.action == action]


def stored_pages(services: Services, actor: Actor, record_id: int) -> tuple[bytes, int]:
    pdf = services.records.pdf(actor, record_id)
    return pdf, len(PdfReader(io.BytesIO(pdf)).pages)


def open_preview(
    qtbot: QtBot,
    services: Services,
    actor: Actor,
    record_id: int,
    channel: MessageChannel,
    choose_printer: PrinterChooser = ask_printer,
    choose_save_path: PathChooser = ask_save_path,
) -> PdfPreviewDialog:
    dialog = open_record_preview(
        None,
        services,
        actor,
        record_id,
        channel=channel,
        choose_printer=choose_printer,
        choose_save_path=choose_save_path,
    )
    assert dialog is not None, channel.captured
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    return dialog


def test_preview_shows_the_record_with_page_navigation_and_zoom(
    qtbot: QtBot, world: PdfWorld, services: Services, auditor: Actor, channel: MessageChannel
) -> None:
    rid = world.warned_record
    views = actions_on(services, rid, "view")
    _, pages = stored_pages(services, auditor, rid)
    dialog = open_preview(qtbot, services, auditor, rid, channel)
    view, controller = dialog.view, dialog.controller
    assert actions_on(services, rid, "view")[len(views) :] == ["auditor", "auditor"]
    assert dialog.windowTitle() == f"Signed record {rid}"
    assert controller.page_count() == pages >= 3
    assert view.page_count_label.text() == f"of {pages}"
    assert not view.previous_button.isEnabled() and view.next_button.isEnabled()
    view.next_button.click()
    assert controller.current_page() == 1 and view.page_spin.value() == 2
    view.page_spin.setValue(pages)
    assert controller.current_page() == pages - 1 and not view.next_button.isEnabled()
    before = controller.zoom()
    view.zoom_in_button.click()
    assert controller.zoom() > before and view.zoom_combo.currentText().endswith("%")
    view.zoom_out_button.click()
    view.zoom_out_button.click()
    assert controller.zoom() < before
    assert controller.current_page() == pages - 1  # zooming stays on the page
    assert controls_without_accessible_name(dialog) == []
    assert channel.captured == []


def pdf_printer(path: Path, calls: list[QPrinter]) -> PrinterChooser:
    def choose(parent: QWidget, printer: QPrinter) -> bool:
        calls.append(printer)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        printer.setResolution(PRINT_DPI)
        return True

    return choose


def test_print_to_a_pdf_printer_gives_every_page_and_is_audited(
    qtbot: QtBot,
    world: PdfWorld,
    services: Services,
    auditor: Actor,
    channel: MessageChannel,
    tmp_path: Path,
) -> None:
    rid = world.records[WARNED_NAME]
    _, pages = stored_pages(services, auditor, rid)
    out = tmp_path / "printed.pdf"
    calls: list[QPrinter] = []
    dialog = open_preview(
        qtbot, services, auditor, rid, channel, choose_printer=pdf_printer(out, calls)
    )
    before = actions_on(services, rid, "print")
    with qtbot.waitSignal(dialog.controller.printed) as printed:
        dialog.view.print_button.click()
        assert dialog.controller.is_printing()
        assert not dialog.close() and dialog.isVisible()  # stays open while printing
    assert printed.args == [pages] and channel.captured == []
    assert not dialog.controller.is_printing()
    assert calls[0].docName() == f"Signed record {rid}"
    assert len(PdfReader(out).pages) == pages
    assert actions_on(services, rid, "print") == [*before, "auditor"]
    for png in render(out.read_bytes(), tmp_path, dpi=20):
        assert ink_fraction(png) > 0.01, png.name


def test_a_page_range_prints_only_those_pages(
    qtbot: QtBot, world: PdfWorld, services: Services, auditor: Actor, tmp_path: Path
) -> None:
    out = tmp_path / "two.pdf"

    def choose(parent: QWidget, printer: QPrinter) -> bool:
        pdf_printer(out, [])(parent, printer)
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 3)
        return True

    channel = MessageChannel(show_dialogs=False)
    dialog = open_preview(qtbot, services, auditor, world.warned_record, channel,
                          choose_printer=choose)  # fmt: skip
    with qtbot.waitSignal(dialog.controller.printed) as printed:
        assert dialog.controller.print_now()
    assert printed.args == [2] and len(PdfReader(out).pages) == 2


def test_a_cancelled_print_dialog_prints_and_records_nothing(
    qtbot: QtBot, world: PdfWorld, services: Services, auditor: Actor, channel: MessageChannel
) -> None:
    rid = world.records[WARNED_NAME]
    before = actions_on(services, rid, "print")
    dialog = open_preview(
        qtbot, services, auditor, rid, channel, choose_printer=lambda parent, printer: False
    )
    assert not dialog.controller.print_now()
    assert actions_on(services, rid, "print") == before


def test_save_as_pdf_writes_the_exact_stored_bytes_and_is_audited(
    qtbot: QtBot,
    world: PdfWorld,
    services: Services,
    auditor: Actor,
    channel: MessageChannel,
    tmp_path: Path,
) -> None:
    rid = world.warned_record
    stored, _ = stored_pages(services, auditor, rid)
    target = tmp_path / "copy.pdf"
    suggested: list[str] = []

    def choose(parent: QWidget, name: str) -> Path:
        suggested.append(name)
        return target

    dialog = open_preview(qtbot, services, auditor, rid, channel, choose_save_path=choose)
    before = actions_on(services, rid, "export")
    with qtbot.waitSignal(dialog.controller.saved):
        dialog.view.save_button.click()
    assert target.read_bytes() == stored
    assert suggested == [f"isoface-record-{rid}.pdf"]
    assert actions_on(services, rid, "export") == [*before, "auditor"]
    assert str(target) in dialog.view.status_label.text()


def test_a_nurse_cannot_open_a_signed_record(
    services: Services, world: PdfWorld, channel: MessageChannel
) -> None:
    nurse = services.auth.login("nurse", DEMO_PASSWORD)
    assert open_record_preview(None, services, nurse, world.warned_record, channel=channel) is None
    assert [m.kind for m in channel.captured] == ["AccessDenied"]


def test_an_unknown_record_is_reported(
    services: Services, auditor: Actor, channel: MessageChannel
) -> None:
    assert open_record_preview(None, services, auditor, 9999, channel=channel) is None
    assert [m.kind for m in channel.captured] == ["NotFound"]


def test_pages_print_at_actual_size_and_shrink_only_to_fit() -> None:
    a4 = QSizeF(595.28, 841.89)
    on_a4 = target_rect(a4, QRect(0, 0, 4961, 7016), 600)
    assert (on_a4.width(), on_a4.height()) == (4961, 7016)
    on_letter = target_rect(a4, QRect(0, 0, 5100, 6600), 600)
    assert on_letter.height() == 6600 and on_letter.width() < 5100
    assert on_letter.left() > 0  # centred


def test_the_print_dialog_choice_selects_the_pages() -> None:
    printer = QPrinter()
    assert pages_to_print(printer, 4) == [0, 1, 2, 3]
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 9)
    assert pages_to_print(printer, 4) == [1, 2, 3]
    printer.setPrintRange(QPrinter.PrintRange.CurrentPage)
    assert pages_to_print(printer, 4, current_page=2) == [2]


class _Shell:
    def go_to(self, key: str) -> QWidget | None:
        return None

    def page(self, key: str) -> QWidget | None:
        return None


def test_a_record_on_the_patient_page_opens_in_the_preview(
    qtbot: QtBot, world: PdfWorld, services: Services, auditor: Actor, channel: MessageChannel
) -> None:
    from isoface_desk.ui.patients.factory import patients_page

    rid = world.warned_record
    area = patients_page(auditor, services, channel, _Shell())
    qtbot.addWidget(area)
    area.show()
    patient_id = services.records.get(auditor, rid).patient_id
    assert area.open_patient(patient_id)
    tree = area.patient_page.timeline_tree
    items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    items += [item.child(j) for item in list(items) if item for j in range(item.childCount())]
    item = next(i for i in items if i is not None and i.data(0, Qt.ItemDataRole.UserRole) == rid)
    tree.setCurrentItem(item)
    tree.setFocus()
    before = previews()
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    opened = [d for d in previews() if d not in before]
    for dialog in opened:
        qtbot.addWidget(dialog)
    assert [d.windowTitle() for d in opened] == [f"Signed record {rid}"]
    assert opened[0].isVisible() and channel.captured == []


def previews() -> list[PdfPreviewDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, PdfPreviewDialog)]
