"""The lazy patient model with searches off the UI thread (as the app runs it): a search
overtaken by a newer one is dropped, and scrolling fetches one page at a time."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool
from pytestqt.qtbot import QtBot

from isoface_desk.services.bundle import open_services
from isoface_desk.ui.patients.model import PAGE, PatientListModel
from isoface_desk.ui.tasks import TaskRunner
from tests.ui.app_support import BIG, big_template, copy_of


@pytest.mark.slow
def test_background_search_drops_overtaken_results_and_pages_lazily(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, qtbot: QtBot
) -> None:
    services = open_services(copy_of(big_template(tmp_path_factory), tmp_path), migrate=False)
    runner = TaskRunner(QThreadPool())
    try:
        nurse = services.auth.login("nurse", "demo-password")
        model = PatientListModel(
            lambda q, limit, offset: services.patients.search(nurse, q, limit=limit,
                                                              offset=offset),
            lambda q: services.patients.count(nurse, q), runner=runner,
        )  # fmt: skip
        model.set_query("")
        model.set_query("emma")  # typed on before the first search came back
        with qtbot.waitSignal(model.search_finished, timeout=10_000):
            model.set_query("D0050000")
        qtbot.waitUntil(lambda: not model.is_busy() and runner.running() == 0, timeout=10_000)
        assert model.total == 1 and model.rowCount() == 1
        assert model.patient_at(0).clinic_number == "D0050000"  # type: ignore[union-attr]

        with qtbot.waitSignal(model.search_finished, timeout=10_000):
            model.set_query("")
        assert model.total == BIG + 6 and model.rowCount() == PAGE
        assert model.canFetchMore()
        model.fetchMore()
        assert not model.canFetchMore(), "one page at a time"
        qtbot.waitUntil(lambda: model.rowCount() == 2 * PAGE, timeout=10_000)
        assert model.canFetchMore()
    finally:
        runner.wait(10_000)
        services.close()
