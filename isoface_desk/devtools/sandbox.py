"""Bench and demo databases stay in their sandbox (issue 11).

The demo seeder and the audit bench add users whose passwords are known (the demo's) or
thousands of synthetic patients and records (the bench's): they run only on a database
they create, or the audit bench on one it created before. Each marks what it creates in
the clinic row's settings: `demo: true` (SetupService.complete_setup(demo=True)) or
`bench: true` (the bench's clinic row). A clinic set up with the wizard is never marked.

    kind = survey(db_url)      # "new", "empty", "demo", "bench", "clinic" or "foreign"
"""

from __future__ import annotations

from typing import Literal

from isoface_desk.config import default_db_url, demo_db_url
from isoface_desk.errors import InputError, StorageError
from isoface_desk.storage.db import make_engine, read_scope
from isoface_desk.storage.probe import describe, existing_tables, foreign_tables, is_isoface
from isoface_desk.storage.repositories import clinic as clinic_repo

__all__ = ["BENCH_MARK", "DEMO_MARK", "Kind", "describe", "refuse_default_database", "survey"]

DEMO_MARK = "demo"
BENCH_MARK = "bench"

#: new: a SQLite file that does not exist; empty: a database without tables; demo, bench:
#: marked by the seeder or the bench; clinic: any other Isoface Desk database (also one
#: with a schema and nothing else: it may be about to become a clinic's); foreign: another
#: program's database.
Kind = Literal["new", "empty", "demo", "bench", "clinic", "foreign"]


def survey(db_url: str) -> Kind:
    """What the database at `db_url` is, found without creating or changing anything."""
    tables = existing_tables(db_url)
    if tables is None:
        return "new"
    if not tables:
        return "empty"
    if not is_isoface(tables):
        return "foreign" if foreign_tables(tables) else "clinic"
    return _marked(db_url)


def refuse_default_database(db_url: str, command: str) -> None:
    """InputError when `db_url` is the app's own database (or the demo's) and `--db` was
    not given: a bench or a seed is never pointed at a clinic by default."""
    if db_url in (default_db_url(), demo_db_url()):
        raise InputError(
            f"{command} runs only on a database of its own: give one with --db, e.g. "
            f"--db sqlite:////tmp/isoface-bench.sqlite3 (never the clinic's database)."
        )


def _marked(db_url: str) -> Kind:
    engine = make_engine(db_url)
    try:
        with read_scope(engine) as session:
            clinic = clinic_repo.get_clinic(session)
    except StorageError:  # an older schema, or unreadable: certainly not ours to fill
        return "clinic"
    finally:
        engine.dispose()
    settings = clinic.settings if clinic is not None else {}
    if settings.get(BENCH_MARK) is True:
        return "bench"
    if settings.get(DEMO_MARK) is True:
        return "demo"
    return "clinic"
