"""Discarding an unsigned visit from the Visit area's "No visit open" page, on the real app
and a real demo database: the dermatologist selects a draft, presses Delete, is asked
first (the message channel), and the draft is gone, with a "discard draft" audit event an
auditor can see. Answering Cancel keeps it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from isoface_desk.services.audit.audit_review import AuditReviewService
from isoface_desk.services.visits.drafts import DISCARD_ACTION
from isoface_desk.storage.audit import recent_events
from isoface_desk.storage.db import read_scope
from isoface_desk.ui.patients.visit_area import VisitArea
from tests.ui.app_support import actor, app_on, copy_of, demo_template  # noqa: F401


def test_an_unsigned_visit_is_discarded_with_the_keyboard(
    app_on, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path,  # noqa: F811
) -> None:  # fmt: skip
    url = copy_of(demo_template(tmp_path_factory), tmp_path)
    app = app_on(url)
    app.sign_in_ok("derm")
    QTest.keyClick(app.window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    visit = app.parts.shell.page("visit")
    assert isinstance(visit, VisitArea) and app.window.current_page_key() == "visit"
    page = visit.empty
    services = app.services()
    derm = actor(url, "derm")
    before = services.drafts.mine(derm)
    assert before and page.drafts.count() == len(before)
    assert page.discard_button.isEnabled()
    page.drafts.setFocus()
    page.drafts.setCurrentRow(0)
    chosen = before[0]

    app.channel.confirm_answer = False  # Cancel: nothing happens
    QTest.keyClick(page.drafts, Qt.Key.Key_Delete)
    assert app.channel.captured[-1].kind == "question"
    assert app.channel.captured[-1].title == "Discard this unsigned visit?"
    assert len(services.drafts.mine(derm)) == len(before) == page.drafts.count()

    app.channel.confirm_answer = True
    QTest.keyClick(page.drafts, Qt.Key.Key_Delete)
    after = services.drafts.mine(derm)
    assert [d.id for d in after] == [d.id for d in before[1:]]
    assert page.drafts.count() == len(after)
    with read_scope(services.engine) as session:
        event = recent_events(session, 1, action=DISCARD_ACTION)[0]
    assert (event.actor, event.target_kind, event.target_id) == ("derm", "draft", str(chosen.id))
    assert event.details == {"patient_id": chosen.patient_id, "visit_kind": chosen.visit_kind,
                             "visit_date": chosen.visit_date.isoformat()}  # fmt: skip
    seen = AuditReviewService(services.engine).recent_events(actor(url, "auditor"), limit=5)
    assert any(e.action == DISCARD_ACTION and e.target == f"draft {chosen.id}" for e in seen)
