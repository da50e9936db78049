"""The screenshot script runs as a real command and writes decodable, non-blank PNGs: every
shot it knows (ui/screenshots.SHOTS, visit-findings included), each at the size it
reports, the window shots at 1366x728 (1366x768 less a task bar)."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from isoface_desk.devtools.screenshots import SHOTS

WINDOW = (1366, 728)
#: Shots that are not a whole window; every other shot is WINDOW-sized.
SIZES = {"charts": (1200, 340), "signature-pad": (560, 230)}
STEP = 3  # sample every third pixel in both directions


def blank_reason(image: QImage) -> str:
    """Why the image looks blank ("" when it does not): too few colours, or one colour
    (a background) covering nearly all of it."""
    colours = Counter(image.pixel(x, y) for x in range(0, image.width(), STEP)
                      for y in range(0, image.height(), STEP))  # fmt: skip
    covered = colours.most_common(1)[0][1] / sum(colours.values())
    if len(colours) <= 10:
        return f"only {len(colours)} colours"
    if covered > 0.98:
        return f"one colour covers {covered:.1%}"
    return ""


@pytest.mark.slow
def test_screenshot_script_writes_every_shot_and_none_is_blank(
    tmp_path: Path, cli_env: dict[str, str], qtbot: QtBot
) -> None:
    cli_env["QT_QPA_PLATFORM"] = "offscreen"
    cli_env.pop("DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-m", "isoface_desk.devtools.screenshots", str(tmp_path)],
        env=cli_env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "visit-findings" in SHOTS
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.png" for n in SHOTS)
    reported = dict(line.rsplit(" ", 1) for line in done.stdout.splitlines())
    assert sorted(reported) == sorted(str(tmp_path / f"{n}.png") for n in SHOTS)
    for name in SHOTS:
        path = tmp_path / f"{name}.png"
        image = QImage(str(path))
        assert not image.isNull(), f"{name}.png does not decode"
        size = (image.width(), image.height())
        assert size == SIZES.get(name, WINDOW), name
        assert reported[str(path)] == f"{size[0]}x{size[1]}", name
        assert not (why := blank_reason(image)), f"{name}.png looks blank: {why}"


def test_the_blank_check_catches_a_blank_image() -> None:
    image = QImage(400, 200, QImage.Format.Format_RGB32)
    image.fill(0xFFFFFF)
    assert blank_reason(image) == "only 1 colours"
    for x in range(0, 400, 3):  # a thin rainbow line: colours, but nearly all one colour
        image.setPixel(x, 99, 0x010101 * (x % 250))
    assert blank_reason(image).startswith("one colour covers")
