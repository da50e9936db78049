"""Drafts: every edit autosaves (debounced, at once on a section change or another field),
reopening restores the answers and the section, and a process killed with SIGKILL loses
at most the edit in flight."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from isoface_desk.domain.checklist import Form
from isoface_desk.services.visits.drafts import DraftService
from isoface_desk.ui.visit import VisitChecklist
from tests.conftest import ROOT
from tests.ui.visit.conftest import Db, draft_handle, uk_context

KEY_KIND = "follow-up"


def test_edits_autosave_and_reopen_where_they_were(
    qtbot: QtBot, db: Db, forms: dict[str, Form], open_checklist: Callable[..., VisitChecklist],
) -> None:  # fmt: skip
    form = forms[KEY_KIND]
    handle = draft_handle(db.engine, db.actor, db.patient, form, uk_context())
    assert handle.draft_id is None
    checklist = open_checklist(KEY_KIND, drafts=handle, autosave_ms=100)
    c = checklist.controller
    saves: list[bool] = []
    c.draft_saved.connect(lambda: saves.append(True))
    c.go_to_section("product-dose")
    assert len(saves) == 1, "a section change is saved at once"
    with qtbot.waitSignal(c.draft_saved, timeout=2000):
        qtbot.keyClicks(c.editors["weight_kg"].edit, "61,5")  # four edits, one save
    assert len(saves) == 2
    qtbot.keyClicks(c.editors["product_name"].edit, "Isoface")
    assert len(saves) == 2 and c.has_pending_save()
    qtbot.keyClicks(c.editors["mg_per_day"].edit, "4")  # another field: written at once
    assert len(saves) == 3
    (saved,) = DraftService(db.engine).mine(db.actor)
    assert saved.answers["product_name"] == "Isoface" and saved.answers["mg_per_day"] == 4
    c.editors["mg_per_day"].edit.setFocus()
    with qtbot.waitSignal(c.draft_saved, timeout=2000):
        qtbot.keyClicks(c.editors["mg_per_day"].edit, "0")
    checklist.close()

    reopened = draft_handle(db.engine, db.actor, db.patient, form, uk_context())
    assert reopened.draft_id == saved.id
    assert reopened.position == "product-dose#mg_per_day"
    again = open_checklist(KEY_KIND, drafts=reopened)
    assert again.view.current_section_id() == "product-dose"
    assert again.controller.editors["weight_kg"].edit.text() == "61.5"
    assert again.controller.editors["mg_per_day"].value() == 40
    assert again.controller.editors["mg_per_day"].edit.hasFocus()
    assert again.view.draft_label.text() == "Draft restored"


@pytest.mark.slow
def test_a_killed_process_loses_at_most_the_edit_in_flight(
    qtbot: QtBot, db: Db, forms: dict[str, Form], open_checklist: Callable[..., VisitChecklist],
    tmp_path: Path,
) -> None:  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    errors = tmp_path / "child.err"
    with errors.open("w") as err, subprocess.Popen(
        [sys.executable, "-m", "tests.ui.visit.draft_child", db.url],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True,
    ) as child:  # fmt: skip
        assert child.stdout is not None
        lines = [child.stdout.readline().strip() for _ in range(2)]
        if lines == ["saved", "pending"]:
            os.kill(child.pid, signal.SIGKILL)
        else:
            child.kill()
        child.wait(timeout=30)
    assert lines == ["saved", "pending"], errors.read_text()
    assert child.returncode == -signal.SIGKILL

    handle = draft_handle(db.engine, db.actor, db.patient, forms[KEY_KIND], uk_context())
    answers = handle.answers
    assert answers["pregnancy_potential"] is True
    assert answers["weight_kg"] == 63.5
    assert answers.get("product_name") in (None, "Isoface 20 mg")  # the edit in flight
    checklist = open_checklist(KEY_KIND, drafts=handle)
    assert checklist.view.current_section_id() == "product-dose"
    assert checklist.controller.editors["pregnancy_potential"].value() is True
    assert checklist.controller.editors["weight_kg"].value() == 63.5
