"""A small demo database with signed records, for the PDF tests (services, CLI, UI).

The demo clinic and users of services/demo (password `demo-password`), and one signed
initiation record for each of the first five demo patients, made through the services:
Latin, Cyrillic, CJK and Arabic names (demo_people.NAMES[0:4]) with clear visits, and a
fifth patient whose visit has a warning the prescriber justified. Built once per test run
into a template SQLite file (about 2 s); each user gets a copy (milliseconds).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from isoface_desk.devtools.demo import CLINIC, DEMO_PASSWORD, FIRST_USER, OTHER_USERS
from isoface_desk.devtools.demo_documents import demo_signature_png
from isoface_desk.devtools.demo_people import NAMES, named_patient
from isoface_desk.devtools.demo_visits import JUSTIFICATIONS, DemoPatientFacts, Twist, visit_dict
from isoface_desk.documents.signing import ClinicSigner
from isoface_desk.services.access.signing_keys import unlock
from isoface_desk.services.bundle import Services, open_services
from isoface_desk.services.clinic.setup import GenerateCertificate
from isoface_desk.services.context import Actor
from isoface_desk.services.visits.records import SignatureInput
from isoface_desk.storage.db import read_scope
from isoface_desk.storage.repositories import keys as keys_repo
from isoface_desk.storage.repositories.users import get_user_by_username

SCRIPT_NAMES = tuple(f"{n.given} {n.family}" for n in NAMES[:4])
WARNED_NAME = f"{NAMES[4].given} {NAMES[4].family}"
VISIT_DAY = dt.date(2026, 3, 2)
WARNING = "PSYCHIATRIC_HISTORY"


@dataclass(frozen=True)
class PdfWorld:
    path: Path
    records: dict[str, int]  # the patient's full name -> record id (first four: scripts)

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.path}"

    @property
    def warned_record(self) -> int:
        return self.records[WARNED_NAME]

    def open(self) -> Services:
        return open_services(self.db_url, migrate=False)


def _sign(services: Services, derm: Actor, index: int) -> int:
    name = NAMES[index]
    facts = DemoPatientFacts(dt.date(1990 + index, 1 + index, 10), 62.0, name.sex == "female")
    patient = services.patients.create(derm, named_patient(index, facts.birth_date))
    twist = Twist.PSYCHIATRIC_HISTORY if index == 4 else Twist.NONE
    justifications = {WARNING: JUSTIFICATIONS[WARNING]} if index == 4 else {}
    signed = services.records.sign_visit(
        derm,
        patient.id,
        None,
        "initiation",
        visit_dict("initiation", VISIT_DAY, facts, twist=twist),
        justifications,
        [SignatureInput("patient", f"{name.given} {name.family}", demo_signature_png(index))],
        DEMO_PASSWORD,
    )
    return signed.record_id


def build_world(db_url: str, count: int = 5) -> dict[str, int]:
    """Set up the demo clinic at `db_url` and sign the first `count` patients' records."""
    services = open_services(db_url)
    try:
        services.setup.complete_setup(CLINIC, FIRST_USER, GenerateCertificate(), demo=True)
        derm = services.auth.login(FIRST_USER.username, DEMO_PASSWORD)
        for user in OTHER_USERS:
            services.users.add_user(derm, user)
        return {
            f"{NAMES[i].given} {NAMES[i].family}": _sign(services, derm, i) for i in range(count)
        }
    finally:
        services.close()


_template: PdfWorld | None = None


def pdf_world(tmp_path_factory: pytest.TempPathFactory, name: str) -> PdfWorld:
    """A private copy of the demo PDF database (the template is built on first use)."""
    global _template
    if _template is None:
        path = tmp_path_factory.mktemp("pdf-template") / "demo.sqlite3"
        _template = PdfWorld(path, build_world(f"sqlite:///{path}"))
    copy = tmp_path_factory.mktemp(name) / "demo.sqlite3"
    shutil.copyfile(_template.path, copy)
    return PdfWorld(copy, dict(_template.records))


def world_fixtures(name: str) -> tuple[Callable[..., PdfWorld], Callable[..., Iterator[Services]]]:
    """Module-scoped `world` (a copy named `name`) and `services` (opened on it) fixtures.

    A test module binds them under those names: `world, services = world_fixtures("x")`.
    """

    @pytest.fixture(scope="module")
    def world(tmp_path_factory: pytest.TempPathFactory) -> PdfWorld:
        return pdf_world(tmp_path_factory, name)

    @pytest.fixture(scope="module")
    def services(world: PdfWorld) -> Iterator[Services]:
        opened = world.open()
        try:
            yield opened
        finally:
            opened.close()

    return world, services


def genuine_signer(services: Services) -> ClinicSigner:
    """The first user's own key, unlocked with the demo password: a genuine signer."""
    with read_scope(services.engine) as session:
        user = get_user_by_username(session, FIRST_USER.username)
        assert user is not None
        key = unlock(session, user.id, DEMO_PASSWORD)
    assert key is not None
    return key.pdf_signer()


def clinic_cert(services: Services) -> bytes:
    """The certificates the chain announced (PEM bundle, every person's key): what a
    signed record validates against."""
    with read_scope(services.engine) as session:
        certificates = keys_repo.announced_certificates(session)
    assert certificates and all(b"PRIVATE KEY" not in c for c in certificates)
    return b"".join(certificates)
