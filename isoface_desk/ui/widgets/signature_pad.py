"""A signature pad: draw with a mouse, a pen (tablet) or a finger; export a PNG.

Strokes are kept as lists of points in widget coordinates with a pen width each point
(pen pressure widens the line). The screen shows a baseline and a "Sign here" hint; the
exported PNG holds only the ink, on white. Delete or Backspace clears the pad.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

INK = QColor(10, 30, 90)
BASE_WIDTH = 2.2  # logical pixels, for a mouse or a finger


@dataclass
class _Point:
    pos: QPointF
    width: float


class SignaturePad(QWidget):
    """The drawing surface. `changed` is emitted after each stroke and after `clear()`."""

    changed = Signal()

    def __init__(self, accessible_name: str = "Signature", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[list[_Point]] = []
        self._drawing = False
        self.setAccessibleName(accessible_name)
        self.setAccessibleDescription(
            "Draw a signature with the mouse, a pen or a finger. Press Delete to clear."
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents, True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(240, 100)

    def sizeHint(self) -> QSize:
        em = self.fontMetrics().height()
        return QSize(28 * em, 9 * em)

    # ----- public API

    def is_empty(self) -> bool:
        return not any(len(stroke) > 0 for stroke in self._strokes)

    def stroke_count(self) -> int:
        return len(self._strokes)

    def clear(self) -> None:
        had_ink = not self.is_empty()
        self._strokes.clear()
        self._drawing = False
        self.update()
        if had_ink:
            self.changed.emit()

    def add_stroke(self, points: Sequence[tuple[float, float]], width: float = BASE_WIDTH) -> None:
        """Add a finished stroke in widget coordinates (restoring a draft, screenshots)."""
        if not points:
            return
        self._strokes.append([_Point(QPointF(x, y), width) for x, y in points])
        self.update()
        self.changed.emit()

    def to_image(self) -> QImage:
        """The ink on white at the pad's size, 2x for print sharpness."""
        scale = 2.0
        image = QImage(self.size() * scale, QImage.Format.Format_RGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        painter.scale(scale, scale)
        self._paint_ink(painter)
        painter.end()
        return image

    def to_png(self) -> bytes:
        """The signature as PNG bytes (for the signed record and the PDF)."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        # The stubs ask for bytes, the binding only accepts str.
        saved = self.to_image().save(buffer, "PNG")  # type: ignore[call-overload]
        if not saved:
            raise RuntimeError("the signature could not be encoded as PNG")
        buffer.close()
        return bytes(data.data())

    # ----- drawing

    def _begin(self, pos: QPointF, width: float) -> None:
        self._drawing = True
        self._strokes.append([_Point(pos, width)])
        self.update()

    def _extend(self, pos: QPointF, width: float) -> None:
        if self._drawing and self._strokes:
            self._strokes[-1].append(_Point(pos, width))
            self.update()

    def _end(self, pos: QPointF, width: float) -> None:
        if not self._drawing:
            return
        self._extend(pos, width)
        self._drawing = False
        self.changed.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        self._paint_guides(painter)
        self._paint_ink(painter)
        painter.end()

    def _paint_guides(self, painter: QPainter) -> None:
        muted = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        frame = self.palette().color(QPalette.ColorRole.Mid)
        if self.hasFocus():
            frame = self.palette().color(QPalette.ColorRole.Highlight)
        painter.setPen(QPen(frame, 2 if self.hasFocus() else 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        em = self.fontMetrics().height()
        y = self.height() - int(1.6 * em)
        painter.setPen(QPen(muted, 1, Qt.PenStyle.DashLine))
        painter.drawLine(em, y, self.width() - em, y)
        if self.is_empty():
            painter.setPen(muted)
            painter.drawText(em, y - em // 3, "✕  Sign here")

    def _paint_ink(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for stroke in self._strokes:
            if len(stroke) == 1:
                point = stroke[0]
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(INK)
                painter.drawEllipse(point.pos, point.width / 2, point.width / 2)
                continue
            for a, b in pairwise(stroke):
                pen = QPen(INK, (a.width + b.width) / 2)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                painter.setPen(pen)
                painter.drawLine(a.pos, b.pos)

    # ----- input: mouse, pen, touch, keyboard

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position(), BASE_WIDTH)
            event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._extend(event.position(), BASE_WIDTH)
            event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._end(event.position(), BASE_WIDTH)
            event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:
        width = BASE_WIDTH * (0.5 + event.pressure())
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position(), width)
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position(), width)
        elif kind == QEvent.Type.TabletRelease:
            self._end(event.position(), width)
        event.accept()  # accepted: Qt does not synthesize mouse events as well

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            assert isinstance(event, QTouchEvent)
            self._on_touch(event)
            return True
        return super().event(event)

    def _on_touch(self, event: QTouchEvent) -> None:
        points = event.points()
        if not points:
            return
        pos = points[0].position()
        kind = event.type()
        if kind == QEvent.Type.TouchBegin:
            self._begin(pos, BASE_WIDTH)
        elif kind == QEvent.Type.TouchUpdate:
            self._extend(pos, BASE_WIDTH)
        else:
            self._end(pos, BASE_WIDTH)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()


class SignatureBox(QWidget):
    """A titled signature pad with a Clear button, as a visit screen places it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = QLabel(title)
        self.pad = SignaturePad(accessible_name=title)
        self.title_label.setBuddy(self.pad)
        self.clear_button = QPushButton("Clear")
        self.clear_button.setAccessibleName(f"Clear {title.lower()}")
        self.clear_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.pad, 1)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        self.pad.changed.connect(self._on_pad_changed)

    def _on_clear_button_clicked(self) -> None:
        self.pad.clear()
        self.pad.setFocus()

    def _on_pad_changed(self) -> None:
        self.clear_button.setEnabled(not self.pad.is_empty())
