"""The interpreter survives PySide6 calls that return None or True without a reference."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

LEAKY_CALLS = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    {guard}
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication, QLineEdit

    class Pinger(QObject):
        ping = Signal()

    app = QApplication([])
    edit, pinger = QLineEdit(), Pinger()
    for _ in range(100_000):
        edit.setText("x")      # a void method: returns None
        pinger.ping.emit()     # returns True
    print("alive", flush=True)
    """
)


def run_child(guard: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LEAKY_CALLS.format(guard=guard)],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_guarded_process_survives_200k_leaky_calls() -> None:
    done = run_child("import isoface_desk.ui")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "alive"


def test_guard_is_needed_only_before_python_3_12() -> None:
    from isoface_desk.ui.runtime import immortalize_singletons

    assert immortalize_singletons() is (sys.version_info < (3, 12))
    before = sys.getrefcount(None)
    immortalize_singletons()  # idempotent: applied once per process
    assert abs(sys.getrefcount(None) - before) < 1000
