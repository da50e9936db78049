"""The nurse workspace as a person uses it: the grouped due list and its filters, a print
job to a PDF file and to a QPrinter (whose output's barcodes still decode), mark
collected, results entry with live grading, and an auditor who can look but not change."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from isoface_desk.domain.lab_orders import order_code
from isoface_desk.services.labs.lab_work import DueItem
from isoface_desk.services.labs.orders import LabOrder
from isoface_desk.ui.orders import OrdersArea
from isoface_desk.ui.orders.due_model import DueFilter
from isoface_desk.ui.visit.style import BLOCK_TINT
from tests.services.conftest import World, stored_order
from tests.ui.orders.conftest import TIMEOUT, Page, select

PageMaker = object  # open_page(role) -> Page, see conftest


def rows(area: OrdersArea) -> list[DueItem]:
    return area.model.shown_items()


def test_groups_filters_and_highlights(open_page: PageMaker) -> None:
    page: Page = open_page("nurse")  # type: ignore[operator]
    area = page.area
    groups = area.model.group_keys()
    assert groups[0] == "overdue" and "month" in groups  # started 1 Sep; today 20 Nov
    titles = [area.model.index(g, 0).data() for g in range(area.model.rowCount())]
    assert titles[0].startswith("Overdue (")
    area.patient_filter.setText("angstrom")  # accents and case ignored
    assert rows(area) and all(i.patient_name == "Zoë Ångström" for i in rows(area))
    area.patient_filter.clear()
    area.test_filter.setCurrentIndex(area.test_filter.findData("HCG"))
    assert rows(area) and all("HCG" in i.tests for i in rows(area))
    area.test_filter.setCurrentIndex(0)
    derm = area.prescriber_filter.findText("Dr First")
    assert derm > 0
    area.prescriber_filter.setCurrentIndex(derm)
    assert rows(area) and {i.prescriber_name for i in rows(area)} == {"Dr First"}
    assert area.model.filter == DueFilter("", rows(area)[0].prescriber_id, "")
    assert area.count_label.text().endswith("orders shown")


def test_save_as_pdf_marks_the_orders_in_the_file(
    qtbot: QtBot, open_page: PageMaker, world: World, tmp_path: Path
) -> None:
    page: Page = open_page("nurse")  # type: ignore[operator]
    area = page.area
    chosen = [i for i in rows(area) if i.status == "planned"][:3]
    select(area, chosen)
    assert area.print_button.isEnabled() and area.selection_label.text() == "3 selected"
    out = tmp_path / "orders.pdf"
    with qtbot.waitSignal(area.controller.job_done, timeout=TIMEOUT) as done:
        assert area.controller.print_selection(out)
        assert area.cancel_button.isVisible() and not area.print_button.isEnabled()
    outcome = done.args[0]
    assert outcome.printed == tuple(order_code(i.order_id) for i in chosen)
    assert len(PdfReader(out).pages) == 3 and outcome.marked == 3
    statuses = {o.id: o.status for o in _orders(world, chosen)}
    assert set(statuses.values()) == {"printed"}
    assert page.channel.captured[-1].title == "Printed"
    qtbot.waitUntil(lambda: not area.cancel_button.isVisible())


def test_printing_to_a_printer_keeps_the_barcodes_readable(
    qtbot: QtBot, open_page: PageMaker, world: World, tmp_path: Path
) -> None:
    if not (shutil.which("zbarimg") and shutil.which("pdftoppm")):
        pytest.skip("zbarimg and pdftoppm (zbar-tools, poppler-utils) are needed")
    page: Page = open_page("nurse")  # type: ignore[operator]
    area = page.area
    chosen = [i for i in rows(area) if i.status == "planned"][:2]
    select(area, chosen)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printer.pdf"))
    printer.setResolution(200)
    with qtbot.waitSignal(area.controller.job_done, timeout=TIMEOUT) as done:
        area.controller.print_selection(printer)
    assert done.args[0].destination == "the printer" and done.args[0].marked == 2
    assert len(PdfReader(tmp_path / "printer.pdf").pages) == 2
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", str(tmp_path / "printer.pdf"),
                    str(tmp_path / "page")], check=True, timeout=60)  # fmt: skip
    decoded = set()
    for png in sorted(tmp_path.glob("page*.png")):
        found = subprocess.run(["zbarimg", "-q", "--raw", "-Scode128.enable", str(png)],
                               capture_output=True, text=True, timeout=60)  # fmt: skip
        decoded |= set(found.stdout.split())
    assert decoded == {order_code(i.order_id) for i in chosen}


def test_stopping_while_sending_to_the_printer_marks_nothing(
    qtbot: QtBot, open_page: PageMaker, world: World, tmp_path: Path
) -> None:
    page: Page = open_page("nurse")  # type: ignore[operator]
    area = page.area
    chosen = [i for i in rows(area) if i.status == "planned"][:2]
    select(area, chosen)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "aborted.pdf"))
    with qtbot.waitSignal(area.controller.job_done, timeout=TIMEOUT) as done:
        area.controller.print_selection(printer)
        job = area.controller.job
        assert job is not None
        job.stop_delivery.set()  # Cancel pressed once the pages go to the printer
    assert not done.args[0].delivered and done.args[0].marked == 0
    assert {o.status for o in _orders(world, chosen)} == {"planned"}
    assert page.channel.captured[-1].title == "Print job stopped"


def test_collected_then_results_with_live_grading(
    qtbot: QtBot, open_page: PageMaker, world: World
) -> None:
    page: Page = open_page("nurse")  # type: ignore[operator]
    area = page.area
    liver = next(i for i in rows(area) if i.tests == ("ALT", "AST", "TG", "CHOL")
                 and i.status == "planned")  # fmt: skip
    select(area, [liver])
    with qtbot.waitSignal(area.controller.loaded, timeout=TIMEOUT):
        qtbot.mouseClick(area.collected_button, Qt.MouseButton.LeftButton)
    again = next(i for i in rows(area) if i.order_id == liver.order_id)
    assert again.group == "collected"
    select(area, [again])
    qtbot.mouseClick(area.results_button, Qt.MouseButton.LeftButton)
    dialog = area.controller.results_dialog
    assert dialog is not None and dialog.isVisible()
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled()
    values = {"ALT": ("130", "40"), "AST": ("30", "40"), "TG": ("797,13", ""), "CHOL": ("4.8", "")}
    for row in dialog.rows:
        value, uln = values[row.test]
        if row.test == "TG":
            row.unit.setCurrentIndex(row.unit.findData("mg/dL"))
        qtbot.keyClicks(row.value, value)
        qtbot.keyClicks(row.uln, uln)
    tg = next(r for r in dialog.rows if r.test == "TG")
    assert "797.13 mg/dL = 9.00 mmol/L" in tg.verdict.text()
    assert save.isEnabled()
    with qtbot.waitSignal(area.controller.loaded, timeout=TIMEOUT):
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    done = next(i for i in rows(area) if i.order_id == liver.order_id)
    assert (done.group, done.level) == ("resulted", "block")
    group = area.model.group_index("resulted")
    row = next(r for r in range(area.model.rowCount(group))
               if area.model.item(area.model.index(r, 0, group)) == done)  # fmt: skip
    tint = area.model.index(row, 0, group).data(Qt.ItemDataRole.BackgroundRole)
    assert tint.color() == BLOCK_TINT
    others = [i for i in rows(area) if i.patient_id == liver.patient_id]
    assert all("ALT 130 U/L" in i.patient_alert for i in others)


def test_an_auditor_sees_the_list_and_cannot_print(
    qtbot: QtBot, open_page: PageMaker, world: World, tmp_path: Path
) -> None:
    page: Page = open_page("auditor")  # type: ignore[operator]
    area = page.area
    chosen = [i for i in rows(area) if i.status == "planned"][:2]
    assert chosen
    select(area, chosen)
    for button in (area.print_button, area.labels_button, area.save_button,
                   area.collected_button, area.results_button, area.regenerate_button):  # fmt: skip
        assert not button.isEnabled()
    out = tmp_path / "auditor.pdf"
    with qtbot.waitSignal(area.controller.loaded, timeout=TIMEOUT):
        area.controller.print_selection(out)
    assert page.channel.captured[-1].kind == "AccessDenied"
    assert not out.exists()
    assert {o.status for o in _orders(world, chosen)} == {"planned"}


def _orders(world: World, items: list[DueItem]) -> list[LabOrder]:
    return [stored_order(world.services.engine, i.order_id) for i in items]
