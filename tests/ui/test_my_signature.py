"""File › My signature… on the real app (issue 6, item 4): a dermatologist draws the
signature printed on their lab orders, saves it, and the next order they ordered prints
it (an image on the page); a nurse has no such menu item, and the service refuses a
nurse anyway (tests/services/test_my_signature.py)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.care.patients import PatientData
from isoface_desk.services.labs.lab_printing import LabPrintService, render_batch
from isoface_desk.ui.my_signature import NO_SIGNATURE, MySignatureDialog
from tests.ui.app_support import App, actor, app_on, copy_of, demo_template  # noqa: F401
from tests.ui.visit.conftest import draw_signature

START = CourseStart(dt.date(2026, 6, 1), "Isoface 20 mg", 20, 40)


def file_menu_texts(app: App) -> list[str]:
    (file_menu,) = [a.menu() for a in app.window.menuBar().actions() if a.text() == "&File"]
    assert isinstance(file_menu, QMenu)
    return [a.text() for a in file_menu.actions() if a.isVisible() and not a.isSeparator()]


def order_images(app: App, url: str, order_id: int) -> list[tuple[int, int]]:
    services = app.services()
    batch = LabPrintService(services.engine).prepare(actor(url, "nurse"), [order_id])
    (page,) = PdfReader(io.BytesIO(render_batch(batch).pdf)).pages
    return [image.image.size for image in page.images]


@pytest.mark.slow
def test_a_dermatologist_draws_the_signature_printed_on_their_orders(
    app_on, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, qtbot: QtBot,  # noqa: F811
) -> None:  # fmt: skip
    url = copy_of(demo_template(tmp_path_factory), tmp_path)
    app = app_on(url)
    services, derm = app.services(), actor(url, "derm")
    patient = services.patients.create(derm, PatientData("Hanna", "Berg", dt.date(1998, 7, 3),
                                                         "female", "C-7003"))  # fmt: skip
    services.courses.start(derm, patient.id, START)
    order_id = next(o.id for o in services.orders.for_patient(derm, patient.id)
                    if o.status == "planned")  # fmt: skip
    assert order_images(app, url, order_id) == []  # a blank signature line

    app.sign_in_ok("derm")
    menu = app.session.my_signature
    assert "My &signature…" in file_menu_texts(app) and menu.action.isEnabled()
    menu.action.trigger()
    dialog = menu.dialog
    assert isinstance(dialog, MySignatureDialog)
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.current.text() == NO_SIGNATURE and not dialog.remove_button.isEnabled()
    assert not dialog.save_button.isEnabled()
    draw_signature(qtbot, dialog.box.pad)
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.finished, timeout=5000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert app.channel.captured == [], [m.text for m in app.channel.captured]

    stored = services.my_signature.own_signature(derm)
    assert stored is not None
    image = QImage.fromData(stored, "PNG")
    assert not image.isNull()
    assert order_images(app, url, order_id) == [(image.width(), image.height())]

    menu.action.trigger()  # opened again: shows the stored signature
    again = menu.dialog
    assert again is not None and again.current.pixmap() is not None
    assert not again.current.pixmap().isNull() and again.remove_button.isEnabled()
    again.reject()

    app.session.sign_out()
    assert not menu.action.isVisible()
    app.sign_in_ok("nurse")
    assert "My &signature…" not in file_menu_texts(app)
    assert menu.open_dialog() is None
