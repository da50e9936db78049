"""All services over one engine: what the app's composition root builds and hands to the UI.

services = open_services(db_url)        # migrates the schema first
actor = services.auth.login("derm", password)
page = services.patients.search(actor, "zoe", limit=50)
...
services.close()
"""

from __future__ import annotations

from dataclasses import dataclass

from isoface_desk.domain.catalog import Catalog
from isoface_desk.services.access.auth import AuthService
from isoface_desk.services.access.my_signature import MySignatureService
from isoface_desk.services.access.users import UserService
from isoface_desk.services.care.courses import CourseService
from isoface_desk.services.care.patients import PatientService
from isoface_desk.services.clinic.database import open_database
from isoface_desk.services.clinic.setup import SetupService
from isoface_desk.services.context import Clock, utc_now
from isoface_desk.services.labs.orders import OrderService
from isoface_desk.services.visits.drafts import DraftService
from isoface_desk.services.visits.records import RecordService
from isoface_desk.storage.handles import Engine


@dataclass(frozen=True)
class Services:
    engine: Engine
    auth: AuthService
    users: UserService
    setup: SetupService
    patients: PatientService
    courses: CourseService
    records: RecordService
    orders: OrderService
    drafts: DraftService
    my_signature: MySignatureService

    def close(self) -> None:
        self.engine.dispose()


def build_services(
    engine: Engine, *, now: Clock = utc_now, catalog: Catalog | None = None
) -> Services:
    """Services over an existing engine (the schema must be current)."""
    return Services(
        engine=engine,
        auth=AuthService(engine, now=now),
        users=UserService(engine, now=now),
        setup=SetupService(engine, now=now),
        patients=PatientService(engine, now=now),
        courses=CourseService(engine, now=now),
        records=RecordService(engine, now=now, catalog=catalog),
        orders=OrderService(engine, now=now),
        drafts=DraftService(engine, now=now),
        my_signature=MySignatureService(engine, now=now),
    )


def open_services(db_url: str, *, migrate: bool = True, now: Clock = utc_now) -> Services:
    """Bring the database to the current schema (a SQLite file is backed up first) and
    build the services over it."""
    return build_services(open_database(db_url, upgrade=migrate), now=now)
