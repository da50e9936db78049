"""The screenshot script runs as a real command and writes decodable, non-blank PNGs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

EXPECTED = {"main-window.png": (1366, 728), "charts.png": (1200, 340),
            "signature-pad.png": (560, 230), "patients.png": (1366, 728),
            "patient-page.png": (1366, 728)}


def test_screenshot_script_writes_the_pngs(
    tmp_path: Path, cli_env: dict[str, str], qtbot: QtBot
) -> None:
    cli_env["QT_QPA_PLATFORM"] = "offscreen"
    cli_env.pop("DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-m", "isoface_desk.ui.screenshots", str(tmp_path)],
        env=cli_env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    for name, (width, height) in EXPECTED.items():
        image = QImage(str(tmp_path / name))
        assert (image.width(), image.height()) == (width, height), name
        sample = {image.pixel(x, y) for x in range(0, width, 7) for y in range(0, height, 7)}
        assert len(sample) > 10, f"{name} looks blank"
        assert f"{name[:-4]}" in done.stdout
