"""Child process for the crash test: opens a follow-up checklist offscreen on a real
database, edits fields and saves like a person would, then waits to be killed.

    python -m tests.ui.visit.draft_child DB_URL

Prints "saved" once the earlier edits are committed, then makes one more edit and
prints "pending" while its save is still waiting for the autosave delay.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from isoface_desk.config import forms_dir
from isoface_desk.domain.catalog import default_catalog
from isoface_desk.domain.checklist import load_checklists, refs_from_catalog
from isoface_desk.services.context import actor_from_user
from isoface_desk.storage.db import make_engine, read_scope
from isoface_desk.storage.repositories.patients import search_patients
from isoface_desk.storage.repositories.users import get_user_by_username
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.visit import VisitChecklist
from tests.ui.visit.conftest import draft_handle, uk_context

AUTOSAVE_MS = 300


def main() -> int:
    app = QApplication([sys.argv[0]])
    catalog = default_catalog()
    form = load_checklists(forms_dir(), refs_from_catalog(catalog))["follow-up"]
    engine = make_engine(sys.argv[1])
    with read_scope(engine) as session:
        actor = actor_from_user(get_user_by_username(session, "derm"))  # type: ignore[arg-type]
        patient = search_patients(session, "Zoë")[0]
    handle = draft_handle(engine, actor, patient, form, uk_context())
    checklist = VisitChecklist(form, uk_context(), catalog, drafts=handle,
                               messages=MessageChannel(show_dialogs=False),
                               autosave_ms=AUTOSAVE_MS)  # fmt: skip
    checklist.resize(1366, 728)
    checklist.show()
    c = checklist.controller
    QTest.keyClick(c.editors["pregnancy_potential"].yes, "y")  # can get pregnant: Yes
    c.go_to_section("product-dose")  # a section change saves at once
    QTest.keyClicks(c.editors["weight_kg"].edit, "63.5")
    waiting = QEventLoop()
    c.draft_saved.connect(waiting.quit)
    waiting.exec()  # until the debounced save of the weight is committed
    c.draft_saved.disconnect(waiting.quit)
    print("saved", flush=True)
    QTest.keyClicks(c.editors["product_name"].edit, "Isoface 20 mg")
    assert c.has_pending_save()
    print("pending", flush=True)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
