"""Render the application icon's PNG sizes, the Windows .ico and the macOS .icns.

    .venv/bin/python packaging/make_icons.py

The SVG (resources/icons/isoface-desk.svg) is the source; the rendered files are checked
in beside it, so neither a build nor the app needs this script. Qt draws the SVG (QtSvg
ships with PySide6); Pillow, which ReportLab already installs, writes the .ico and .icns.
Run it again after changing the SVG; tests/test_packaging.py checks the sizes.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SOURCE = ICONS / "isoface-desk.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def png_path(size: int) -> Path:
    return ICONS / f"isoface-desk-{size}.png"


def render(renderer: object, size: int, target: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)  # type: ignore[attr-defined]
    painter.end()
    if not image.save(str(target), "PNG"):
        raise SystemExit(f"make_icons: could not write {target}")


def render_all(scratch: Path) -> None:
    """Each size drawn from the vector, not scaled down from the largest: sharper at 16.
    A 1024 pixel one, for the .icns only, goes to `scratch`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {SOURCE} is not a valid SVG")
    for size in SIZES:
        render(renderer, size, png_path(size))
    render(renderer, 1024, scratch)
    del app


def write_ico_and_icns(large: Path) -> None:
    from PIL import Image

    frames = [Image.open(png_path(size)) for size in SIZES]
    frames[-1].save(ICONS / "isoface-desk.ico", sizes=[(s, s) for s in SIZES], append_images=frames)
    Image.open(large).save(ICONS / "isoface-desk.icns")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        large = Path(tmp) / "isoface-desk-1024.png"
        render_all(large)
        write_ico_and_icns(large)
    print(f"make_icons: wrote {len(SIZES)} PNGs, isoface-desk.ico and isoface-desk.icns")
