"""`seed_demo`: a demo clinic with users, patients in every course state, signed records
and lab orders, made through the same services the GUI uses (so the chain verifies).

Full workflow (courses, signed visits with PDFs, orders, a draft) for the first
`FULL_WORKFLOW` patients, cycling through STATES; every further patient is identity-only
and bulk-inserted (one audit event per batch), so 100,000 patients take seconds.
All demo accounts share the password `demo-password`, accepted only because the clinic
is set up as a demo.

The demo stays in its sandbox (devtools/sandbox.py): it is made only as a new SQLite file
(built beside its place and moved there whole, storage/fresh.py) or in a server database
without tables (whose tables are dropped again if seeding fails), never in a database that
holds anything. Seeding is all or nothing: a full disk or Ctrl-C leaves no half database.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass

from isoface_desk.devtools import sandbox
from isoface_desk.devtools.demo_country import DEFAULT, DemoCountry
from isoface_desk.devtools.demo_country import country as demo_country
from isoface_desk.devtools.demo_people import bulk_patients
from isoface_desk.devtools.demo_states import STATES, DemoSeeder
from isoface_desk.errors import InputError, IsofaceError
from isoface_desk.services.access.passwords import DEMO_PASSWORD
from isoface_desk.services.access.users import NewUser
from isoface_desk.services.bundle import Services, open_services
from isoface_desk.services.clinic.setup import ClinicData, FirstUser, GenerateCertificate
from isoface_desk.services.context import Actor
from isoface_desk.storage.audit import chain_head
from isoface_desk.storage.db import read_scope, sqlite_path
from isoface_desk.storage.fresh import building, dropped_on_failure
from isoface_desk.storage.handles import Engine
from isoface_desk.storage.repositories import lab_orders as orders_repo
from isoface_desk.storage.repositories import patients as patients_repo
from isoface_desk.storage.repositories import records as records_repo
from isoface_desk.storage.repositories import users as users_repo

__all__ = ["DEMO_PASSWORD", "FULL_WORKFLOW", "MAX_PATIENTS", "DemoSummary", "seed_demo"]

log = logging.getLogger("isoface.demo")

FULL_WORKFLOW = 16
#: The most patients a demo gets: 100,000 take seconds; far more only fill a disk.
MAX_PATIENTS = 100_000
#: The original demo clinic (a UK clinic in English); `country="co"` seeds the Colombian one.
CLINIC: ClinicData = DEFAULT.clinic
FIRST_USER: FirstUser = DEFAULT.first_user
OTHER_USERS: tuple[NewUser, ...] = DEFAULT.other_users


@dataclass(frozen=True)
class DemoSummary:
    """Counts only: nothing here identifies a patient."""

    users: int
    patients: int
    full_workflow_patients: int
    courses: int
    records: int
    lab_orders: int
    drafts: int
    audit_events: int
    seconds: float

    def lines(self) -> list[str]:
        return [
            f"users: {self.users} (derm, nurse, auditor, admin; password {DEMO_PASSWORD})",
            f"patients: {self.patients} ({self.full_workflow_patients} with courses and visits)",
            f"courses: {self.courses}, signed records: {self.records}, drafts: {self.drafts}",
            f"lab orders: {self.lab_orders}, audit events: {self.audit_events}",
            f"time: {self.seconds:.1f} s",
        ]


def seed_demo(
    db_url: str,
    patients: int = 40,
    *,
    full_workflow: int = FULL_WORKFLOW,
    country: str = DEFAULT.code,
) -> DemoSummary:
    """Create the demo clinic of `country` ('default': a UK clinic in English; 'co': a
    Colombian clinic in Spanish) in a new database: a SQLite file that does not exist
    yet, or a server database without tables; anything else is refused (IsofaceError).
    The first `full_workflow` patients (cycling through every course state) get courses,
    visits and orders; the rest only an identity. All or nothing."""
    if not 0 <= patients <= MAX_PATIENTS or full_workflow < 0:
        raise InputError(f"The number of demo patients must be 0 to {MAX_PATIENTS:,}.")
    try:
        demo = demo_country(country)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    started = time.perf_counter()
    _refuse_used(db_url)
    if sqlite_path(db_url) is not None:
        with building(db_url) as new_url:
            summary = _seed(new_url, patients, full_workflow, started, demo)
    else:
        with dropped_on_failure(db_url):
            summary = _seed(db_url, patients, full_workflow, started, demo)
    log.info("demo seeded: %d patients, %d records", summary.patients, summary.records)
    return summary


def _seed(
    db_url: str, patients: int, full_workflow: int, started: float, demo: DemoCountry
) -> DemoSummary:
    services = open_services(db_url)
    try:
        derm, nurse = _clinic_and_users(services, demo)
        full = min(patients, full_workflow)
        seeder = DemoSeeder(services, derm=derm, nurse=nurse, today=dt.date.today(), country=demo)
        for index in range(full):
            seeder.seed(index, STATES[index % len(STATES)])
        if patients > full:
            services.patients.bulk_import(nurse, bulk_patients(patients - full))
        return _summary(services.engine, full, seeder, time.perf_counter() - started)
    finally:
        services.close()


def _refuse_used(db_url: str) -> None:
    """IsofaceError unless the database is new (see seed_demo)."""
    kind = sandbox.survey(db_url)
    if kind == "new" or (kind == "empty" and sqlite_path(db_url) is None):
        return
    where = sandbox.describe(db_url)
    if kind in ("demo", "bench", "clinic"):
        raise IsofaceError(
            f"{where} already has a clinic or users (or an Isoface Desk schema): seed-demo "
            "only creates a new database, and never fills or overwrites one. Choose a new "
            "database with --db."
        )
    if kind == "foreign":
        raise IsofaceError(
            f"{where} is another program's database: seed-demo only creates a new "
            "database and wrote nothing to it. Choose a new database with --db."
        )
    raise IsofaceError(
        f"{where} exists already: seed-demo only creates a new database file, and never "
        "fills or overwrites one. Choose a new file with --db."
    )


def _clinic_and_users(services: Services, demo: DemoCountry) -> tuple[Actor, Actor]:
    services.setup.complete_setup(demo.clinic, demo.first_user, GenerateCertificate(), demo=True)
    derm = services.auth.login(demo.first_user.username, DEMO_PASSWORD)
    for new in demo.other_users:
        services.users.add_user(derm, new)
    nurse = services.auth.login("nurse", DEMO_PASSWORD)
    return derm, nurse


def _summary(engine: Engine, full: int, seeder: DemoSeeder, seconds: float) -> DemoSummary:
    with read_scope(engine) as session:
        return DemoSummary(
            users=users_repo.count_users(session),
            patients=patients_repo.count_patients(session),
            full_workflow_patients=full,
            courses=seeder.courses,
            records=records_repo.count_records(session),
            lab_orders=len(orders_repo.all_orders(session)),
            drafts=seeder.drafts,
            audit_events=chain_head(session)[0],
            seconds=round(seconds, 2),
        )
