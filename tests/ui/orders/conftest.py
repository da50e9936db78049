"""The nurse workspace over a real SQLite database with a set-up clinic (one user per
role, a clock fixed at 2026-11-20), courses started through the services, and bulk
orders inserted through the repositories for the 500-order print job."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QItemSelectionModel, QThreadPool
from pytestqt.qtbot import QtBot

from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.care.patients import PatientData
from isoface_desk.services.labs.lab_work import DueItem
from isoface_desk.storage.db import session_scope
from isoface_desk.storage.repositories import lab_orders as orders_repo
from isoface_desk.storage.repositories.lab_orders import OrderData
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.orders import OrdersArea, orders_page
from isoface_desk.ui.tasks import TaskRunner
from tests.services.conftest import World, _open, example_patient, setup_world

TIMEOUT = 30_000
TODAY = dt.date(2026, 11, 20)  # the world's clock
START = CourseStart(start_date=dt.date(2026, 9, 1), product="Isoface 20 mg", strength_mg=20,
                    mg_per_day=40)  # fmt: skip
BULK_NAME = "Bulkpatient"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    url = f"sqlite:///{tmp_path_factory.mktemp('orders-ui') / 'orders.sqlite3'}"
    services, clock = _open(url)
    w = setup_world(services, clock)
    for pregnancy in (True, False):
        patient = dataclasses.replace(example_patient(), can_get_pregnant=pregnancy)
        pid = services.patients.create(w.first, patient).id
        services.courses.start(w.first, pid, START)
    try:
        yield w
    finally:
        services.close()


@dataclass
class Page:
    area: OrdersArea
    channel: MessageChannel
    runner: TaskRunner


@pytest.fixture
def open_page(qtbot: QtBot, world: World) -> Iterator[object]:
    """open_page(role) -> Page: the Lab orders page of a user of that role, loaded."""
    runners: list[TaskRunner] = []

    def make(role: str = "nurse") -> Page:
        channel = MessageChannel(show_dialogs=False)
        pool = QThreadPool()
        pool.setMaxThreadCount(2)
        runner = TaskRunner(pool)
        runners.append(runner)
        area = orders_page(world.actors[role], world.services, channel, runner, load=False)
        qtbot.addWidget(area)
        area.resize(1180, 640)
        area.show()
        with qtbot.waitSignal(area.controller.loaded, timeout=TIMEOUT):
            area.controller.refresh()
        return Page(area, channel, runner)

    yield make
    for runner in runners:
        runner.cancel_all()
        assert runner.wait(TIMEOUT)


def add_bulk_orders(w: World, count: int, tag: str) -> list[int]:
    """`count` planned orders for count // 10 new patients, due this week; their ids."""
    people = [
        PatientData(
            given_name=f"{tag}{i}",
            family_name=BULK_NAME,
            birth_date=dt.date(1999, 1, 1),
            sex_at_birth="female",
            clinic_number=f"B-{tag}-{i:04d}",
        )
        for i in range(max(1, count // 10))
    ]
    w.services.patients.bulk_import(w.first, people)
    numbers = {p.clinic_number for p in people}
    found = w.services.patients.search(w.first, f"B-{tag}-", limit=1000)
    ids = [p.id for p in found if p.clinic_number in numbers]
    data = [
        OrderData(
            key=f"bulk:{tag}:{i}",
            patient_id=ids[i % len(ids)],
            tests=["ALT", "AST", "TG", "CHOL"] if i % 2 else ["HCG"],
            due_from=TODAY - dt.timedelta(days=3),
            due_until=TODAY + dt.timedelta(days=4),
            prescriber_id=w.first.user_id,
        )
        for i in range(count)
    ]
    with session_scope(w.services.engine) as session:
        return [o.id for o in orders_repo.upsert_orders(session, data)]


def select(area: OrdersArea, wanted: list[DueItem]) -> None:
    """Select exactly these orders' rows, as Ctrl+click would."""
    tree, model = area.tree, area.model
    tree.clearSelection()
    ids = {w.order_id for w in wanted}
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for g in range(model.rowCount()):
        group = model.index(g, 0)
        for r in range(model.rowCount(group)):
            index = model.index(r, 0, group)
            item = model.item(index)
            if item is not None and item.order_id in ids:
                tree.selectionModel().select(index, flags)
