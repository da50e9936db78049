"""Course charts drawn with QPainter (QtCharts is not part of PySide6 Essentials).

`Phq9Chart` plots PHQ-9 totals over time on the five severity bands; `CumulativeDoseChart`
plots the cumulative isotretinoin dose in mg/kg with the 120–150 mg/kg target band. Both
take plain `(date, value)` pairs, so a patient page can feed them from domain objects,
and both can draw into a QImage (`render_image`) for tests, screenshots or a PDF.
Everything is measured in logical pixels and font heights, so it scales at 200%.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from isoface_desk.ui.widgets.chart_axes import date_ticks, format_tick_date, scale_x

Point = tuple[date, float]
LINE = QColor(25, 80, 160)


@dataclass(frozen=True)
class Band:
    """A shaded horizontal band of the value axis, labelled in the right margin."""

    low: float
    high: float
    label: str
    color: QColor


PHQ9_BANDS = (
    Band(0, 4, "minimal", QColor(220, 240, 222)),
    Band(5, 9, "mild", QColor(246, 243, 205)),
    Band(10, 14, "moderate", QColor(252, 228, 196)),
    Band(15, 19, "moderately severe", QColor(250, 209, 190)),
    Band(20, 27, "severe", QColor(244, 190, 190)),
)


def phq9_band(total: float) -> str:
    return next((b.label for b in PHQ9_BANDS if total <= b.high), PHQ9_BANDS[-1].label)


class TimeChart(QWidget):
    """Dates across, values up, shaded bands, a line through the points.

    Subclasses decide the value range, ticks and bands. `set_projection` adds a dashed
    segment from the last point to a projected one (e.g. the dose after this prescription).
    """

    title = ""
    unit = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._points: list[Point] = []
        self._projection: Point | None = None
        self.setAccessibleName(self.title)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 180)
        self._update_description()

    def sizeHint(self) -> QSize:
        em = self.fontMetrics().height()
        return QSize(36 * em, 15 * em)

    def set_points(self, points: Sequence[Point]) -> None:
        self._points = sorted(points, key=lambda p: p[0])
        self._update_description()
        self.update()

    def set_projection(self, point: Point | None) -> None:
        self._projection = point
        self._update_description()
        self.update()

    def points(self) -> list[Point]:
        return list(self._points)

    # ----- what subclasses decide

    def value_range(self) -> tuple[float, float]:
        raise NotImplementedError

    def value_ticks(self) -> list[float]:
        raise NotImplementedError

    def bands(self) -> Sequence[Band]:
        return ()

    def describe_value(self, value: float) -> str:
        return f"{value:g} {self.unit}".strip()

    # ----- drawing

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        self.draw(painter, QRectF(self.rect()))
        painter.end()

    def render_image(self, size: QSize, device_pixel_ratio: float = 1.0) -> QImage:
        """Draw the chart into a new image of `size` logical pixels."""
        image = QImage(size * device_pixel_ratio, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(device_pixel_ratio)
        image.fill(self.palette().color(QPalette.ColorRole.Base))
        painter = QPainter(image)
        self.draw(painter, QRectF(0, 0, size.width(), size.height()))
        painter.end()
        return image

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.setFont(self.font())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(rect, self.palette().color(QPalette.ColorRole.Base))
        fm = QFontMetricsF(self.font())
        plot = self._plot_rect(rect, fm)
        self._draw_title(painter, rect, fm)
        self._draw_bands(painter, plot, fm)
        self._draw_value_axis(painter, plot, fm)
        if self._points:
            self._draw_date_axis(painter, plot, fm)
            self._draw_series(painter, plot, fm)
        else:
            painter.setPen(self._muted())
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "No values recorded yet")
        painter.setPen(QPen(self._text(), 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.restore()

    def _plot_rect(self, rect: QRectF, fm: QFontMetricsF) -> QRectF:
        em = fm.height()
        tick_width = max(fm.horizontalAdvance(self._tick_label(v)) for v in self.value_ticks())
        band_width = max((fm.horizontalAdvance(b.label) for b in self.bands()), default=0.0)
        left = rect.left() + em * 1.6 + tick_width
        right = rect.right() - (band_width + em if band_width else em)
        top = rect.top() + em * 1.8
        bottom = rect.bottom() - em * 2.2
        return QRectF(QPointF(left, top), QPointF(right, bottom))

    def _y(self, plot: QRectF, value: float) -> float:
        low, high = self.value_range()
        return plot.bottom() - (value - low) / (high - low) * plot.height()

    def _draw_title(self, painter: QPainter, rect: QRectF, fm: QFontMetricsF) -> None:
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(self._text())
        title = f"{self.title} ({self.unit})" if self.unit else self.title
        painter.drawText(
            QRectF(rect.left() + fm.height() * 0.5, rect.top(), rect.width(), fm.height() * 1.5),
            Qt.AlignmentFlag.AlignVCenter,
            title,
        )
        font.setBold(False)
        painter.setFont(font)

    def _draw_bands(self, painter: QPainter, plot: QRectF, fm: QFontMetricsF) -> None:
        for band in self.bands():
            top = self._y(plot, band.high)
            bottom = self._y(plot, band.low)
            painter.fillRect(QRectF(plot.left(), top, plot.width(), bottom - top), band.color)
            label_rect = QRectF(plot.right() + fm.height() * 0.4, top, 10_000, bottom - top)
            painter.setPen(self._secondary())
            painter.drawText(label_rect, Qt.AlignmentFlag.AlignVCenter, band.label)

    def _draw_value_axis(self, painter: QPainter, plot: QRectF, fm: QFontMetricsF) -> None:
        grid = QPen(self._muted(), 1, Qt.PenStyle.DotLine)
        for value in self.value_ticks():
            y = self._y(plot, value)
            painter.setPen(grid)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(self._text())
            label = QRectF(
                plot.left() - 10_000 - fm.height() * 0.4, y - fm.height(), 10_000, fm.height() * 2
            )
            painter.drawText(
                label,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                self._tick_label(value),
            )

    def _draw_date_axis(self, painter: QPainter, plot: QRectF, fm: QFontMetricsF) -> None:
        start, end = self._date_span()
        label_width = fm.horizontalAdvance("00 Mmm 0000") + fm.height()
        max_ticks = max(2, int(plot.width() // label_width))
        painter.setPen(self._text())
        for tick in date_ticks(start, end, max_ticks):
            x = scale_x(tick, start, end, plot.left(), plot.right())
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            box = QRectF(x - label_width / 2, plot.bottom() + 4, label_width, fm.height() * 1.4)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, format_tick_date(tick, start, end))

    def _draw_series(self, painter: QPainter, plot: QRectF, fm: QFontMetricsF) -> None:
        start, end = self._date_span()
        pts = [
            QPointF(scale_x(d, start, end, plot.left(), plot.right()), self._y(plot, v))
            for d, v in self._points
        ]
        painter.setPen(QPen(LINE, 2.5))
        painter.drawPolyline(pts)
        painter.setBrush(LINE)
        for p in pts:
            painter.drawEllipse(p, 3.5, 3.5)
        last_point, last_value = pts[-1], self._points[-1][1]
        if self._projection is not None:
            d, v = self._projection
            target = QPointF(scale_x(d, start, end, plot.left(), plot.right()), self._y(plot, v))
            painter.setPen(QPen(LINE, 2, Qt.PenStyle.DashLine))
            painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
            painter.drawLine(last_point, target)
            painter.drawEllipse(target, 4.5, 4.5)
            last_point, last_value = target, v
        self._draw_value_label(painter, plot, fm, last_point, last_value)

    def _draw_value_label(
        self, painter: QPainter, plot: QRectF, fm: QFontMetricsF, at: QPointF, value: float
    ) -> None:
        text = self.describe_value(value)
        width = fm.horizontalAdvance(text) + fm.height() * 0.6
        x = min(at.x() - width / 2, plot.right() - width)
        above = at.y() - fm.height() * 1.7
        y = above if above > plot.top() else at.y() + fm.height() * 0.5
        box = QRectF(max(x, plot.left()), y, width, fm.height() * 1.2)
        painter.setPen(QPen(LINE, 1))
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(self._text())
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    # ----- helpers

    def _date_span(self) -> tuple[date, date]:
        dates = [d for d, _ in self._points]
        if self._projection is not None:
            dates.append(self._projection[0])
        start, end = min(dates), max(dates)
        if (end - start).days < 28:  # a lone point or a short span: show about a month
            pad = timedelta(days=(28 - (end - start).days) // 2 + 1)
        else:  # keep the first and last markers clear of the axes
            pad = timedelta(days=max(1, (end - start).days // 30))
        return start - pad, end + pad

    def _tick_label(self, value: float) -> str:
        return f"{value:g}"

    def _text(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Text)

    def _secondary(self) -> QColor:
        """Text that is readable but quieter than values (band names)."""
        color = self._text()
        color.setAlphaF(0.7)
        return color

    def _muted(self) -> QColor:
        return self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)

    def _update_description(self) -> None:
        if not self._points:
            self.setAccessibleDescription(f"{self.title}: no values recorded yet.")
            return
        first, last = self._points[0], self._points[-1]
        text = (
            f"{self.title}: {len(self._points)} values from {first[0].isoformat()} to "
            f"{last[0].isoformat()}; latest {self.describe_value(last[1])}."
        )
        if self._projection is not None:
            text += f" After this prescription: {self.describe_value(self._projection[1])}."
        self.setAccessibleDescription(text)


class Phq9Chart(TimeChart):
    """PHQ-9 totals (0–27) over time on the minimal … severe bands."""

    title = "PHQ-9 total"

    def value_range(self) -> tuple[float, float]:
        return 0.0, 27.0

    def value_ticks(self) -> list[float]:
        return [0, 5, 10, 15, 20, 27]

    def bands(self) -> Sequence[Band]:
        # Totals are integers: split the bands half-way, so 5 sits inside "mild", not on an edge.
        return [
            Band(max(b.low - 0.5, 0), min(b.high + 0.5, 27), b.label, b.color) for b in PHQ9_BANDS
        ]

    def describe_value(self, value: float) -> str:
        return f"{value:g} ({phq9_band(value)})"


class CumulativeDoseChart(TimeChart):
    """Cumulative dose in mg/kg with the target band (120–150 mg/kg unless set otherwise)."""

    title = "Cumulative dose"
    unit = "mg/kg"
    step = 30.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._target = (120.0, 150.0)

    def set_target(self, low: float, high: float) -> None:
        if not 0 <= low < high:
            raise ValueError("the target band needs 0 <= low < high")
        self._target = (low, high)
        self.update()

    def value_range(self) -> tuple[float, float]:
        values = [v for _, v in self._points]
        if self._projection is not None:
            values.append(self._projection[1])
        highest = max([self._target[1] * 1.1, *(v * 1.05 for v in values)])
        return 0.0, math.ceil(highest / self.step) * self.step

    def value_ticks(self) -> list[float]:
        _, high = self.value_range()
        return [i * self.step for i in range(int(high // self.step) + 1)]

    def bands(self) -> Sequence[Band]:
        low, high = self._target
        return [Band(low, high, f"target {low:g}–{high:g}", QColor(206, 236, 210))]

    def describe_value(self, value: float) -> str:
        return f"{value:.0f} mg/kg"
