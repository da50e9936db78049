"""The QPainter charts: they draw, show bands, scale, and describe themselves."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from isoface_desk.ui.widgets.chart_axes import date_ticks, format_tick_date
from isoface_desk.ui.widgets.charts import CumulativeDoseChart, Phq9Chart, phq9_band

PHQ9 = [(date(2024, 1, 15), 4.0), (date(2024, 3, 13), 9.0), (date(2024, 5, 13), 22.0)]
DOSE = [(date(2024, 1, 15), 0.0), (date(2024, 3, 13), 45.0), (date(2024, 5, 13), 130.0)]
SIZE = QSize(600, 260)


def colours(image: QImage) -> set[int]:
    return {
        image.pixel(x, y) for y in range(0, image.height(), 3) for x in range(0, image.width(), 3)
    }


def has_colour(image: QImage, colour: QColor) -> bool:
    return colour.rgb() in colours(image)


def test_phq9_chart_draws_bands_and_line(qtbot: QtBot) -> None:
    chart = Phq9Chart()
    qtbot.addWidget(chart)
    blank = chart.render_image(SIZE)
    chart.set_points(PHQ9)
    drawn = chart.render_image(SIZE)
    assert drawn.size() == SIZE
    assert drawn != blank
    severe = QColor(244, 190, 190)
    minimal = QColor(220, 240, 222)
    assert has_colour(drawn, severe) and has_colour(drawn, minimal)
    assert len(colours(drawn) - colours(blank)) > 20  # line, markers, antialiasing


def test_dose_chart_highlights_the_target_band(qtbot: QtBot) -> None:
    chart = CumulativeDoseChart()
    qtbot.addWidget(chart)
    chart.set_points(DOSE)
    image = chart.render_image(SIZE)
    assert has_colour(image, QColor(206, 236, 210))
    assert chart.value_range() == (0.0, 180.0)
    chart.set_points([*DOSE, (date(2024, 7, 1), 240.0)])
    assert chart.value_range()[1] >= 240.0


def test_charts_render_at_200_percent(qtbot: QtBot) -> None:
    chart = CumulativeDoseChart()
    qtbot.addWidget(chart)
    chart.set_points(DOSE)
    chart.set_projection((date(2024, 6, 12), 150.0))
    image = chart.render_image(SIZE, device_pixel_ratio=2.0)
    assert (image.width(), image.height()) == (1200, 520)
    assert image.devicePixelRatio() == 2.0
    assert len(colours(image)) > 20


def test_empty_chart_still_renders(qtbot: QtBot) -> None:
    chart = Phq9Chart()
    qtbot.addWidget(chart)
    assert not chart.render_image(SIZE).isNull()
    assert "no values recorded yet" in chart.accessibleDescription()


def test_widget_paints_on_screen(qtbot: QtBot) -> None:
    chart = Phq9Chart()
    qtbot.addWidget(chart)
    chart.set_points(PHQ9)
    chart.resize(SIZE)
    chart.show()
    qtbot.waitExposed(chart)
    grabbed = chart.grab().toImage()
    assert has_colour(grabbed, QColor(244, 190, 190))


def test_accessible_description_tells_the_latest_value(qtbot: QtBot) -> None:
    phq9 = Phq9Chart()
    dose = CumulativeDoseChart()
    qtbot.addWidget(phq9)
    qtbot.addWidget(dose)
    phq9.set_points(PHQ9)
    dose.set_points(DOSE)
    dose.set_projection((date(2024, 6, 12), 152.0))
    assert phq9.accessibleName() == "PHQ-9 total"
    assert "latest 22 (severe)" in phq9.accessibleDescription()
    assert "latest 130 mg/kg" in dose.accessibleDescription()
    assert "After this prescription: 152 mg/kg" in dose.accessibleDescription()


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_edges(total: int, band: str) -> None:
    assert phq9_band(total) == band


def test_target_band_must_be_ordered(qtbot: QtBot) -> None:
    chart = CumulativeDoseChart()
    qtbot.addWidget(chart)
    with pytest.raises(ValueError):
        chart.set_target(150, 120)


def test_month_ticks_thin_out_to_fit() -> None:
    start, end = date(2024, 1, 10), date(2025, 1, 20)
    assert date_ticks(start, end, 20)[0] == date(2024, 2, 1)
    assert len(date_ticks(start, end, 20)) == 12
    assert date_ticks(start, end, 5) == [
        date(2024, 2, 1),
        date(2024, 5, 1),
        date(2024, 8, 1),
        date(2024, 11, 1),
    ]
    assert date_ticks(date(2020, 3, 1), date(2024, 6, 1), 5) == [
        date(2021, 1, 1),
        date(2022, 1, 1),
        date(2023, 1, 1),
        date(2024, 1, 1),
    ]
    assert format_tick_date(date(2024, 4, 1), start, end) == "Apr 2024"


def test_short_spans_get_weekly_ticks() -> None:
    start, end = date(2024, 3, 1), date(2024, 3, 29)
    ticks = date_ticks(start, end, 10)
    assert ticks[0] == date(2024, 3, 4) and all(t.weekday() == 0 for t in ticks)
    assert format_tick_date(ticks[0], start, end) == "4 Mar"
