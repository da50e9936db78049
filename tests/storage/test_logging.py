"""One logger tree: what storage logs (a migration, its backup) reaches the app's log file."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import isoface_desk
from isoface_desk import app as app_module
from isoface_desk.storage import migrate
from tests.logs import own_logging

PACKAGE = Path(isoface_desk.__file__).parent
#: A logger created by name anywhere in the package: getLogger("...") or getLogger(__name__).
GET_LOGGER = re.compile(r"getLogger\(([^)]*)\)")
#: Third-party loggers the package only quietens (a NullHandler), never logs to.
QUIETENED = {"_name"}


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The app's configured log file, in tmp_path; handlers of other tests set aside."""
    with own_logging():
        yield app_module.configure_logging(tmp_path / "logs")


def _log_text(path: Path) -> str:
    for handler in logging.getLogger("isoface").handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


def test_every_logger_of_the_package_is_under_the_configured_one() -> None:
    names = {
        (path.relative_to(PACKAGE).as_posix(), arg.strip())
        for path in PACKAGE.rglob("*.py")
        for arg in GET_LOGGER.findall(path.read_text(encoding="utf-8"))
    }
    assert names, "the pattern found no loggers at all"
    outside = {
        (where, arg)
        for where, arg in names
        if arg not in QUIETENED and not re.fullmatch(r'"isoface(\.[a-z_.]+)?"', arg)
    }
    assert outside == set()


def test_a_migration_and_its_backup_reach_the_log_file(log_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "clinic.sqlite3"
    url = f"sqlite:///{path}"
    migrate.upgrade(url, revision="0002")
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO patient (given_name, family_name, search_name, birth_date, "
            "sex_at_birth, clinic_number, other_identifiers, phone, attributes, created_at, "
            "updated_at) VALUES ('Zoë', 'Marchetti', 'zoe marchetti', '1999-04-02', 'female', "
            "'MRN-55817', '{}', '+33 6 11 22 33 44', '{}', '2024-01-01 00:00:00', "
            "'2024-01-01 00:00:00')"
        )

    result = migrate.upgrade(url)

    text = _log_text(log_file)
    assert result.backup is not None
    assert "INFO isoface.storage.migrate: database migrated from 0002 to 0003" in text
    assert f"backup written before migration: {result.backup.name}" in text
    for patient_data in ("Zoë", "Marchetti", "MRN-55817", "1999-04-02", "33 44"):
        assert patient_data not in text
