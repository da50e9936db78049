"""First run: a database without users gets its clinic, first account and signing key.

The first account is a dermatologist who is also the administrator. Everything is written
in one unit of work: a setup interrupted half-way leaves the database as it was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from isoface_desk.domain.catalog import default_catalog
from isoface_desk.errors import InputError, IsofaceError
from isoface_desk.services.access.auth import DEFAULT_IDLE_MINUTES, IDLE_SETTING
from isoface_desk.services.access.signing_keys import (
    CertificateChoice,
    GenerateCertificate,
    ImportPkcs12,
    make_key_material,
    remember,
)
from isoface_desk.services.access.users import NewUser, insert_user
from isoface_desk.services.context import Actor, ServiceBase, actor_from_user
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.db import read_scope, session_scope
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories import users as users_repo
from isoface_desk.storage.repositories.clinic import PAPER_SIZES, ClinicData

__all__ = [
    "ClinicData",
    "FirstUser",
    "GenerateCertificate",
    "ImportPkcs12",
    "SetupService",
]

log = logging.getLogger("isoface.setup")

SCHEDULE_PROFILES = ("smpc", "minimal")
FIRST_ROLES = frozenset({"dermatologist", "admin"})


@dataclass(frozen=True)
class FirstUser:
    username: str
    display_name: str
    password: str
    licence_number: str


def check_clinic(data: ClinicData) -> None:
    """InputError listing every problem with the clinic's details."""
    problems = []
    if not data.name.strip():
        problems.append("The clinic needs a name.")
    if data.paper_size not in PAPER_SIZES:
        problems.append(f"Paper size must be one of {', '.join(PAPER_SIZES)}.")
    if data.lab_schedule_profile not in SCHEDULE_PROFILES:
        problems.append(f"Lab schedule must be one of {', '.join(SCHEDULE_PROFILES)}.")
    catalog = default_catalog()
    if data.jurisdiction_profile not in catalog.families | catalog.profiles:
        known = ", ".join(sorted(catalog.families))
        problems.append(f"Unknown jurisdiction profile '{data.jurisdiction_profile}': use {known}.")
    if problems:
        raise InputError(problems)


class SetupService(ServiceBase):
    def needs_setup(self) -> bool:
        """True for a database without users: the app shows the setup wizard."""
        with read_scope(self.engine) as session:
            return users_repo.count_users(session) == 0

    def complete_setup(
        self,
        clinic: ClinicData,
        first_user: FirstUser,
        certificate: CertificateChoice,
        *,
        demo: bool = False,
    ) -> Actor:
        """Create the clinic, the first dermatologist-administrator and their signing key,
        the clinic's root (services.signing_keys); returns that person signed in. `demo`
        marks a demo database (its shared demo password is accepted only there)."""
        check_clinic(clinic)
        settings = {IDLE_SETTING: DEFAULT_IDLE_MINUTES, **clinic.settings, "demo": demo}
        clinic = replace(clinic, settings=settings)
        material = make_key_material(certificate, clinic.name)  # slow part, before the lock
        new = NewUser(
            username=first_user.username,
            display_name=first_user.display_name,
            roles=FIRST_ROLES,
            password=first_user.password,
            licence_number=first_user.licence_number,
        )
        with session_scope(self.engine) as session:
            if users_repo.count_users(session) or clinic_repo.get_clinic(session) is not None:
                raise IsofaceError("This database is already set up.")
            saved = clinic_repo.save_clinic(session, clinic)
            source = "imported" if isinstance(certificate, ImportPkcs12) else "generated"
            append_event(
                session,
                new.username,
                "setup",
                "clinic",
                saved.id,
                {"certificate": source, "demo": demo},
            )
            user, key = insert_user(
                session, new, actor=new.username, endorser=None, material=material
            )
        remember(self.engine, key)
        log.info("first-run setup done (clinic %d, user %d)", saved.id, user.id)
        return actor_from_user(user)
