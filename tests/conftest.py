"""Test setup shared by every layer.

Qt is put offscreen before anything imports it. Storage tests take the `db_url` fixture,
which runs them on a fresh SQLite file and, when ISOFACE_TEST_PG_URL is set, on a fresh
PostgreSQL database as well. Under CI=true a missing PostgreSQL server is a failure, not
a skip.
"""

from __future__ import annotations

import gc
import logging
import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_QUICK_BACKEND", "software")

ROOT = Path(__file__).resolve().parent.parent
#: The example visits of docs/check-format.md with their expected codes (expected.json).
EXAMPLES = ROOT / "tests" / "data" / "examples"
PG_ENV = "ISOFACE_TEST_PG_URL"


def pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def require_pg() -> str:
    """The PostgreSQL admin URL, or skip (locally) / fail (under CI=true) with the reason."""
    url = pg_admin_url()
    if url:
        return url
    reason = f"{PG_ENV} is not set: no PostgreSQL server to test against"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (required under CI=true)")
    pytest.skip(reason)


@pytest.fixture(autouse=True, scope="session")
def _garbage_collected_on_the_main_thread() -> Iterator[None]:
    """As in the app (ui/gc_guard.py): no automatic cyclic collection, which could run in a
    QThreadPool worker and destroy Qt objects there; collections happen between tests."""
    was_enabled = gc.isenabled()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


@pytest.fixture(autouse=True)
def _collect_between_tests() -> Iterator[None]:
    yield
    from isoface_desk.ui.gc_guard import collect_if_due

    collect_if_due()


class _WarningRecords(logging.Handler):
    """Every record at WARNING or above, from any logger and any thread, while it is on."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def _no_unexpected_log_warnings(request: pytest.FixtureRequest) -> Iterator[None]:
    """A warning or error logged during a test is a failure unless the test expects it: it
    reads the logs itself (caplog), or is marked `allow_log_warnings(*loggers)` naming the
    loggers it provokes (no names: any logger). The log is where a clinic's problems show."""
    handler = _WarningRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    unexpected = _unexpected(request.node, handler.records, "caplog" in request.fixturenames)
    if unexpected:
        pytest.fail(
            "logged at WARNING or above (mark allow_log_warnings if on purpose):\n"
            + "\n".join(unexpected),
            pytrace=False,
        )


def _unexpected(node: pytest.Item, records: list[logging.LogRecord], caplog: bool) -> list[str]:
    marks = list(node.iter_markers("allow_log_warnings"))
    if caplog or (marks and not any(mark.args for mark in marks)):
        return []
    allowed = tuple(name for mark in marks for name in mark.args)
    return [
        f"{record.levelname} {record.name}: {record.getMessage()}"
        for record in records
        if not any(record.name == name or record.name.startswith(name + ".") for name in allowed)
    ]


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user data folder or database from a test."""
    data = tmp_path_factory.mktemp("userdata")
    monkeypatch.setenv("ISOFACE_DATA_DIR", str(data))
    monkeypatch.delenv("ISOFACE_DB_URL", raising=False)
    monkeypatch.delenv("ISOFACE_PASSWORD", raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    admin = require_pg()
    yield from _fresh_pg_database(admin)


def _fresh_pg_database(admin_url: str) -> Iterator[str]:
    import sqlalchemy as sa

    name = f"isoface_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    base = sa.engine.make_url(admin_url)
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(
                sa.text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture
def examples_dir() -> Path:
    """The example visits, carried in the repository (tests/data/examples)."""
    return EXAMPLES


@pytest.fixture
def cli_env() -> dict[str, str]:
    """Environment for running `python -m isoface_desk` in a child process."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    return env


PYTHON = sys.executable
