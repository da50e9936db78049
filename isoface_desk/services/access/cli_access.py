"""Opening an existing database for one command-line action that needs a signed-in person.

`open_existing_services` refuses a missing SQLite file (instead of creating an empty
database there) and a schema that is not current (the message says to run
`isoface-desk db upgrade`): a command that reads patient data never migrates by itself.
`cli/login.py` uses it with `AuthService.login`.
"""

from __future__ import annotations

from isoface_desk.services.bundle import Services, build_services
from isoface_desk.services.clinic.database import open_database
from isoface_desk.storage.db import require_existing

__all__ = ["open_existing_services"]


def open_existing_services(db_url: str) -> Services:
    """All services over the existing, up-to-date database at `db_url` (close() it)."""
    require_existing(db_url)
    return build_services(open_database(db_url, upgrade=False))
