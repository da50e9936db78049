"""The signature pad: mouse, pen and touch drawing, clearing, PNG export, keyboard."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QInputDevice, QPointingDevice, QTabletEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from isoface_desk.ui.widgets.signature_pad import SignatureBox, SignaturePad


@pytest.fixture
def pad(qtbot: QtBot) -> SignaturePad:
    pad = SignaturePad(accessible_name="Patient signature")
    qtbot.addWidget(pad)
    pad.resize(400, 160)
    pad.show()
    qtbot.waitExposed(pad)
    return pad


def dark_pixels(image: QImage) -> int:
    return sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y).lightness() < 128
    )


def draw_with_mouse(qtbot: QtBot, pad: SignaturePad) -> None:
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(pad, left, pos=QPoint(40, 80))
    for x in range(50, 300, 10):
        qtbot.mouseMove(pad, QPoint(x, 80 + (x % 40) - 20))
    qtbot.mouseRelease(pad, left, pos=QPoint(300, 90))


def test_new_pad_is_empty_and_named(pad: SignaturePad) -> None:
    assert pad.is_empty()
    assert pad.accessibleName() == "Patient signature"
    assert dark_pixels(QImage.fromData(pad.to_png())) == 0


def test_mouse_drawing_makes_ink_and_a_decodable_png(qtbot: QtBot, pad: SignaturePad) -> None:
    with qtbot.waitSignal(pad.changed):
        draw_with_mouse(qtbot, pad)
    assert not pad.is_empty()
    assert pad.stroke_count() == 1
    png = pad.to_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = QImage.fromData(png)
    assert not image.isNull()
    assert (image.width(), image.height()) == (800, 320)  # 2x for print
    assert dark_pixels(image) > 50


def test_clear_and_delete_key_empty_the_pad(qtbot: QtBot, pad: SignaturePad) -> None:
    draw_with_mouse(qtbot, pad)
    pad.clear()
    assert pad.is_empty()
    draw_with_mouse(qtbot, pad)
    pad.setFocus()
    with qtbot.waitSignal(pad.changed):
        qtbot.keyClick(pad, Qt.Key.Key_Delete)
    assert pad.is_empty()
    assert dark_pixels(QImage.fromData(pad.to_png())) == 0


def test_touch_draws(qtbot: QtBot, pad: SignaturePad) -> None:
    device = QTest.createTouchDevice()
    QTest.touchEvent(pad, device).press(0, QPoint(30, 60), pad)
    for x in range(40, 200, 20):
        QTest.touchEvent(pad, device).move(0, QPoint(x, 70), pad)
    QTest.touchEvent(pad, device).release(0, QPoint(200, 70), pad)
    assert not pad.is_empty()
    assert dark_pixels(pad.to_image()) > 20


def test_pen_draws_with_pressure(pad: SignaturePad) -> None:
    stylus = QPointingDevice(
        "test stylus",
        77,
        QInputDevice.DeviceType.Stylus,
        QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
        1,
        1,
    )
    kinds = [QEvent.Type.TabletPress] + [QEvent.Type.TabletMove] * 8 + [QEvent.Type.TabletRelease]
    for i, kind in enumerate(kinds):
        pos = QPointF(30 + 20 * i, 60 + 3 * i)
        event = QTabletEvent(
            kind,
            stylus,
            pos,
            QPointF(pad.mapToGlobal(pos)),
            0.9,
            0,
            0,
            0,
            0,
            0,
            Qt.KeyboardModifier.NoModifier,
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.NoButton
            if kind == QEvent.Type.TabletRelease
            else Qt.MouseButton.LeftButton,
        )
        QApplication.sendEvent(pad, event)
    assert pad.stroke_count() == 1
    assert dark_pixels(pad.to_image()) > 20


def test_box_clear_button_follows_the_pad(qtbot: QtBot) -> None:
    box = SignatureBox("Guardian signature")
    qtbot.addWidget(box)
    box.resize(420, 200)
    box.show()
    qtbot.waitExposed(box)
    assert not box.clear_button.isEnabled()
    box.pad.add_stroke([(20, 50), (120, 60), (220, 40)])
    assert box.clear_button.isEnabled()
    qtbot.mouseClick(box.clear_button, Qt.MouseButton.LeftButton)
    assert box.pad.is_empty() and not box.clear_button.isEnabled()
    assert box.pad.accessibleName() == "Guardian signature"
