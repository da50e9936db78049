"""Render the main window and the reusable widgets to PNG files, for the README and review.

    python -m isoface_desk.devtools.screenshots OUTDIR [--scale 2]

Works offscreen (QT_QPA_PLATFORM=offscreen) and under Xvfb (`xvfb-run -a ...`). The data
shown is invented sample data; no database is opened.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable
from datetime import date
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication, QHBoxLayout, QVBoxLayout, QWidget

import isoface_desk.config as config
from isoface_desk.ui.main_controller import ShellController
from isoface_desk.ui.main_window import MainWindow
from isoface_desk.ui.widgets.charts import CumulativeDoseChart, Phq9Chart
from isoface_desk.ui.widgets.signature_pad import SignatureBox

SAMPLE_DB = "SQLite file /home/clinic/.local/share/isoface-desk/demo.sqlite3"
PHQ9_SAMPLE = [
    (date(2024, 1, 15), 4),
    (date(2024, 2, 14), 6),
    (date(2024, 3, 13), 9),
    (date(2024, 4, 12), 12),
    (date(2024, 5, 13), 8),
    (date(2024, 6, 12), 5),
]
DOSE_SAMPLE = [
    (date(2024, 1, 15), 0.0),
    (date(2024, 2, 14), 21.0),
    (date(2024, 3, 13), 45.0),
    (date(2024, 4, 12), 72.0),
    (date(2024, 5, 13), 99.0),
    (date(2024, 6, 12), 124.0),
]
DOSE_PROJECTION = (date(2024, 7, 12), 148.0)


def signature_points(width: int, height: int) -> list[list[tuple[float, float]]]:
    """A hand-like flourish: a run of cursive loops (a prolate cycloid) and an underline."""
    base = height * 0.62
    loops = []
    for i in range(241):
        t = i / 240
        angle = t * 7 * 2 * math.pi
        x = width * (0.1 + 0.62 * t) - 16 * math.sin(angle)
        y = base - 22 * (1 - math.cos(angle)) * (0.6 + 0.4 * math.sin(t * math.pi))
        loops.append((x, y))
    underline = [
        (width * (0.14 + 0.66 * i / 40), base + 12 - 10 * i / 40 + 4 * math.sin(i / 6))
        for i in range(41)
    ]
    return [loops, underline]


def main_window_shot() -> QWidget:
    window = MainWindow(SAMPLE_DB)
    controller = ShellController(window, version=version())
    controller.sign_in("Dr Demo Dermatologist", ["dermatologist", "admin"])
    window.resize(1366, 728)  # 1366x768 less a task bar
    window.show()
    return window


def charts_shot() -> QWidget:
    panel = QWidget()
    panel.setAccessibleName("Course charts")
    layout = QHBoxLayout(panel)
    phq9 = Phq9Chart()
    phq9.set_points(PHQ9_SAMPLE)
    dose = CumulativeDoseChart()
    dose.set_points(DOSE_SAMPLE)
    dose.set_projection(DOSE_PROJECTION)
    layout.addWidget(phq9)
    layout.addWidget(dose)
    panel.resize(1200, 340)
    panel.show()
    return panel


def signature_shot() -> QWidget:
    panel = QWidget()
    layout = QVBoxLayout(panel)
    box = SignatureBox("Patient signature")
    layout.addWidget(box)
    panel.resize(560, 230)
    panel.show()
    QApplication.processEvents()
    for stroke in signature_points(box.pad.width(), box.pad.height()):
        box.pad.add_stroke(stroke)
    return panel


def visit_findings_shot() -> QWidget:
    from isoface_desk.devtools.shots_visit import visit_findings_demo

    return visit_findings_demo()


def patients_shot() -> QWidget:
    from isoface_desk.devtools.shots_patients import patients_shot as shot

    return shot()


def patient_page_shot() -> QWidget:
    from isoface_desk.devtools.shots_patients import patient_page_shot as shot

    return shot()


def auditor_shot() -> QWidget:
    from isoface_desk.devtools.shots_audit import auditor_shot as shot

    return shot()


SHOTS: dict[str, Callable[[], QWidget]] = {
    "main-window": main_window_shot,
    "charts": charts_shot,
    "signature-pad": signature_shot,
    "visit-findings": visit_findings_shot,
    "patients": patients_shot,
    "patient-page": patient_page_shot,
    "auditor": auditor_shot,
}


def version() -> str:
    try:
        return metadata.version("isoface-desk")
    except metadata.PackageNotFoundError:
        return "unknown"


def take(outdir: Path, suffix: str = "") -> list[tuple[Path, QSize]]:
    """Build, grab and save every shot; the files written with their pixel sizes."""
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in SHOTS.items():
        widget = build()
        QApplication.processEvents()
        pixmap = widget.grab()
        path = outdir / f"{name}{suffix}.png"
        if not pixmap.save(str(path)):
            raise OSError(f"could not write {path}")
        written.append((path, pixmap.size()))
        widget.close()
        widget.deleteLater()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m isoface_desk.devtools.screenshots")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="device scale, e.g. 2 for 200%%")
    args = parser.parse_args(argv)
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = f"{args.scale:g}"
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([sys.argv[0]])
    for font in sorted((config.resources_dir() / "fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(font))
    suffix = "" if args.scale == 1.0 else f"@{args.scale:g}x"
    for path, size in take(args.outdir, suffix):
        print(f"{path} {size.width()}x{size.height()}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
