"""Qt's own model tester (pytest-qt's qtmodeltester) over the custom item models, each
filled with real rows from the demo clinic: the patient list and the auditor's record
list (both LazyTableModel, the shared base, which has no data of its own) and the lab
orders' due tree. The tester checks row, column, parent and index answers and the signals
of resets, inserts (fetchMore) and changes; any complaint it logs fails the test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex
from pytestqt.modeltest import ModelTester

from isoface_desk.services.audit.audit_review import RecordFilter
from isoface_desk.services.bundle import Services, open_services
from isoface_desk.ui.audit.model import RecordListModel
from isoface_desk.ui.orders.due_model import DueFilter, DueTreeModel
from isoface_desk.ui.patients import model as patients_model
from isoface_desk.ui.patients.model import PatientListModel
from tests.ui.app_support import PASSWORD, copy_of, demo_template


@pytest.fixture
def services(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[Services]:
    """The demo clinic (6 patients in course states, signed records, lab orders), a copy."""
    opened = open_services(copy_of(demo_template(tmp_path_factory), tmp_path), migrate=False)
    try:
        yield opened
    finally:
        opened.close()


def test_patient_list_model(
    services: Services, qtmodeltester: ModelTester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patients_model, "PAGE", 2)  # pages of 2: the tester fetches more
    nurse = services.auth.login("nurse", PASSWORD)
    model = PatientListModel(
        lambda q, limit, offset: services.patients.search(nurse, q, limit=limit, offset=offset),
        lambda q: services.patients.count(nurse, q),
        today=services.auth.today,
    )
    model.set_query("")
    assert (model.total, model.rowCount()) == (6, 2)
    qtmodeltester.check(model)
    assert model.rowCount() > 2, "the tester fetched more pages"
    model.set_query("zzz-nobody")  # a reset to no rows, under the tester's eye
    assert model.rowCount() == 0


def test_record_list_model(services: Services, qtmodeltester: ModelTester) -> None:
    auditor = services.auth.login("auditor", PASSWORD)
    review = services.audit_review
    model = RecordListModel(
        lambda flt, after: review.search(auditor, flt, after=after),
        lambda flt: review.count(auditor, flt),
    )
    model.set_filter(RecordFilter())
    assert model.rowCount() > 0 and model.total == model.rowCount()
    qtmodeltester.check(model)
    model.refresh()
    assert model.rowCount() == model.total


def test_due_tree_model(services: Services, qtmodeltester: ModelTester) -> None:
    nurse = services.auth.login("nurse", PASSWORD)
    model = DueTreeModel()
    model.set_list(services.lab_work.due_list(nurse))
    groups = model.rowCount()
    assert groups > 0
    assert all(model.rowCount(model.index(g, 0)) > 0 for g in range(groups))
    qtmodeltester.check(model)
    first = model.item(model.index(0, 0, model.index(0, 0)))
    assert first is not None
    model.set_status({first.order_id}, "printed")  # dataChanged in place
    model.set_filter(DueFilter(patient="zzz-nobody"))  # a reset to no groups
    assert model.rowCount(QModelIndex()) == 0
