"""Screenshots of the patient list and the patient page on a seeded demo database (for
devtools/screenshots.py and the README). The demo clinic is seeded once per process into a
temporary folder (16 patients with courses and visits, plus identity-only ones), and each
shot is the real app signed in as the demo dermatologist."""

from __future__ import annotations

import atexit
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from isoface_desk.ui.compose import AppParts, build_app
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.patients.area import PatientsArea

DEMO_PATIENTS = 2_000
#: The demo patient "on treatment" with a dose change and a justified warning.
RICH_PATIENT_NUMBER = "DEMO-00005"
_DB: list[str] = []
_OPEN: list[AppParts] = []


def demo_url() -> str:
    """A seeded demo database (made on first use, removed at exit)."""
    if not _DB:
        from isoface_desk.devtools.demo import seed_demo

        folder = tempfile.TemporaryDirectory(prefix="isoface-shots-")
        atexit.register(folder.cleanup)
        url = f"sqlite:///{Path(folder.name) / 'demo.sqlite3'}"
        seed_demo(url, patients=DEMO_PATIENTS)
        _DB.append(url)
    return _DB[0]


def _signed_in_window() -> tuple[AppParts, PatientsArea]:
    parts = build_app(demo_url(), "screenshots", MessageChannel(show_dialogs=False))
    _OPEN.append(parts)
    assert parts.services is not None and parts.session is not None
    parts.session.begin(parts.services.auth.login("derm", "demo-password"))
    parts.session.idle.stop()
    area = parts.shell.page("patients")
    assert isinstance(area, PatientsArea)
    parts.window.resize(1366, 728)  # 1366x768 less a task bar
    parts.window.show()
    return parts, area


def patients_shot() -> QWidget:
    parts, area = _signed_in_window()
    area.list_page.table.selectRow(0)
    return parts.window


def patient_page_shot() -> QWidget:
    parts, area = _signed_in_window()
    area.list_page.search.setText(RICH_PATIENT_NUMBER)
    area.list_page.search_now()
    patient = area.model.patient_at(0)
    assert patient is not None
    area.open_patient(patient.id)
    QApplication.processEvents()
    return parts.window
