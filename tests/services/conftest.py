"""Services over real databases (SQLite file and, with ISOFACE_TEST_PG_URL, PostgreSQL),
a clock tests move by hand, and a set-up clinic with one user per role."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from isoface_desk.devtools.demo_documents import demo_signature_png
from isoface_desk.devtools.demo_visits import DemoPatientFacts, visit_dict
from isoface_desk.services.access.users import NewUser
from isoface_desk.services.bundle import Services, build_services
from isoface_desk.services.care.courses import CourseChange, change_course_dose
from isoface_desk.services.care.patients import PatientData
from isoface_desk.services.clinic.setup import ClinicData, FirstUser, GenerateCertificate
from isoface_desk.services.context import Actor
from isoface_desk.services.labs.lab_results import PatientResults, graded
from isoface_desk.services.visits.records import SignatureInput
from isoface_desk.storage.db import make_engine, read_scope, session_scope
from isoface_desk.storage.handles import Engine
from isoface_desk.storage.migrate import upgrade
from isoface_desk.storage.repositories import lab_orders as orders_repo
from isoface_desk.storage.repositories import lab_queries
from isoface_desk.storage.repositories.lab_orders import LabOrder
from tests.conftest import _fresh_pg_database, require_pg

PASSWORD = "Plum-tree-42-orchard"
ROLES = ("dermatologist", "nurse", "auditor", "admin")


class Clock:
    """A UTC clock that only moves when told to."""

    def __init__(self) -> None:
        self.current = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += dt.timedelta(**delta)


@dataclass
class World:
    services: Services
    clock: Clock
    first: Actor  # the setup's dermatologist-administrator
    actors: dict[str, Actor]  # one user holding only that role, by role


def _open(url: str) -> tuple[Services, Clock]:
    upgrade(url)
    clock = Clock()
    return build_services(make_engine(url), now=clock), clock


def setup_world(services: Services, clock: Clock) -> World:
    clinic = ClinicData(name="Test Clinic", jurisdiction_profile="uk-mhra", address="1 Road")
    first = services.setup.complete_setup(
        clinic, FirstUser("first", "Dr First", PASSWORD, "GMC 1000001"), GenerateCertificate()
    )
    actors = {}
    for role in ROLES:
        licence = "GMC 2000002" if role == "dermatologist" else ""
        services.users.add_user(
            first,
            NewUser(f"{role}-user", f"{role.title()} User", frozenset({role}), PASSWORD, licence),
        )
        actors[role] = services.auth.login(f"{role}-user", PASSWORD)
    return World(services, clock, first, actors)


def fresh_user(w: World, role: str) -> Actor:
    """A new user holding only `role`, signed in (tests that lock, disable or re-role a
    user use their own, so they can share one database)."""
    name = f"{role}-{uuid.uuid4().hex[:8]}"
    licence = "GMC 2000002" if role == "dermatologist" else ""
    new = NewUser(name, f"{role.title()} User", frozenset({role}), PASSWORD, licence)
    w.services.users.add_user(w.first, new)
    return w.services.auth.login(name, PASSWORD)


@contextmanager
def opened_world(url: str) -> Iterator[World]:
    """The database at `url` migrated and set up (clinic, users), closed afterwards."""
    services, clock = _open(url)
    try:
        yield setup_world(services, clock)
    finally:
        services.close()


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    """A fresh, set-up database per test."""
    with opened_world(db_url) as opened:
        yield opened


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """One set-up database per module and backend, for tests that only add rows."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("svc") / "shared.sqlite3"
        urls: Iterator[str] = iter([f"sqlite:///{path}"])
    else:
        urls = _fresh_pg_database(require_pg())
    services, clock = _open(next(urls))
    try:
        yield setup_world(services, clock)
    finally:
        services.close()
        next(urls, None)


BIRTH = dt.date(1998, 7, 3)
VISIT_DAY = dt.date(2026, 11, 19)


def visit(kind: str = "initiation", day: dt.date = VISIT_DAY, **kwargs: Any) -> dict[str, Any]:
    """A clear check-format visit of the example patient (a twist adds a warn or block)."""
    facts = DemoPatientFacts(birth_date=BIRTH, weight_kg=62.0, can_get_pregnant=True)
    return visit_dict(kind, day, facts, **kwargs)


def example_patient(tag: str | None = None) -> PatientData:
    """The example's patient (born 1998-07-03, can get pregnant)."""
    return PatientData(
        given_name="Zoë",
        family_name="Ångström",
        birth_date=BIRTH,
        sex_at_birth="female",
        clinic_number=f"C-{tag or uuid.uuid4().hex[:10]}",
        can_get_pregnant=True,
    )


def patient_signature() -> list[SignatureInput]:
    return [SignatureInput("patient", "Zoë Ångström", demo_signature_png(1))]


def change_dose(w: World, course_id: int, on: dt.date, mg_per_day: float) -> CourseChange:
    """The dose step a signed follow-up takes (services.visit_course), on its own."""
    with session_scope(w.services.engine) as session:
        return change_course_dose(session, w.first, course_id, on, mg_per_day)


def stored_order(engine: Engine, order_id: int) -> LabOrder:
    """A lab order as stored (to look at what a step did)."""
    with read_scope(engine) as session:
        return orders_repo.get_order(session, order_id)


def graded_results(engine: Engine, patient_id: int) -> PatientResults:
    """The patient's stored results as graded on the orders (to compare screens against)."""
    with read_scope(engine) as session:
        return graded(lab_queries.resulted_for_patients(session, [patient_id]))


def print_orders(w: World, actor: Actor, order_ids: list[int]) -> int:
    """Print these orders as a nurse's job does (rendered, handed to a deliver that takes
    it) and return how many were marked printed."""
    from isoface_desk.services.labs.lab_printing import LabPrintService

    printing = LabPrintService(w.services.engine, now=w.clock)
    return printing.run_job(actor, order_ids, lambda _pdf: True, destination="test").marked
