"""DraftAutosave on its own: which edit is written when, and a failing save told once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from isoface_desk.errors import StorageError
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.visit.autosave import DraftAutosave


class Store:
    """Keeps every save; raises StorageError while `failing`."""

    def __init__(self) -> None:
        self.saves: list[tuple[dict[str, Any], str]] = []
        self.failing = False

    @property
    def answers(self) -> dict[str, Any]:
        return self.saves[-1][0] if self.saves else {}

    @property
    def position(self) -> str:
        return self.saves[-1][1] if self.saves else ""

    def save(self, answers: Mapping[str, Any], position: str) -> None:
        if self.failing:
            raise StorageError("The draft could not be written: the database is read-only.")
        self.saves.append((dict(answers), position))

    def discard(self) -> None:
        self.saves.clear()


class Screen:
    """What the autosave writes (changed by the test) and where it says so."""

    def __init__(self, store: Store | None, delay_ms: int = 50) -> None:
        self.answers: dict[str, Any] = {}
        self.owner = QObject()
        self.label = QLabel()
        self.messages = MessageChannel(show_dialogs=False)
        self.autosave = DraftAutosave(
            store, lambda: (dict(self.answers), "labs"), self.label, self.messages, delay_ms,
            self.owner,
        )  # fmt: skip


def test_an_edit_waits_for_the_delay_and_another_field_writes_it_first(qtbot: QtBot) -> None:
    store = Store()
    s = Screen(store)
    s.answers["weight_kg"] = 61
    s.autosave.schedule("weight_kg")
    s.answers["weight_kg"] = 61.5
    s.autosave.schedule("weight_kg")  # the same field again: still waiting
    assert store.saves == [] and s.autosave.has_pending()
    s.answers["mg_per_day"] = 40
    s.autosave.schedule("mg_per_day")  # another field: the pending edit is written now
    assert store.saves == [({"weight_kg": 61.5, "mg_per_day": 40}, "labs")]
    assert s.autosave.has_pending()
    with qtbot.waitSignal(s.autosave.saved, timeout=5000):
        pass
    assert len(store.saves) == 2 and not s.autosave.has_pending()
    assert s.label.text().startswith("Draft saved ")


def test_a_failing_save_is_reported_once_until_one_succeeds(qtbot: QtBot) -> None:
    store = Store()
    s = Screen(store)
    store.failing = True
    assert not s.autosave.save_now() and not s.autosave.save_now()
    assert s.label.text() == "Draft NOT saved"
    assert [m.kind for m in s.messages.captured] == ["StorageError"]
    store.failing = False
    assert s.autosave.save_now()
    store.failing = True
    assert not s.autosave.save_now()
    assert len(s.messages.captured) == 2


def test_nothing_is_saved_after_stop_or_without_a_draft(qtbot: QtBot) -> None:
    store = Store()
    s = Screen(store)
    s.autosave.schedule("weight_kg")
    s.autosave.stop()  # signed
    assert not s.autosave.has_pending()
    s.autosave.schedule("mg_per_day")
    assert not s.autosave.has_pending() and not s.autosave.save_now() and store.saves == []
    nowhere = Screen(None)
    nowhere.autosave.schedule("weight_kg")
    assert not nowhere.autosave.has_pending() and not nowhere.autosave.save_now()
