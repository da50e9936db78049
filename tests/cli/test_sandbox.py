"""Bench and demo stay in their sandbox (issue 11, part 6): `audit bench` and `seed-demo`
run only on a database they create (the bench also on one it created before, marked in its
clinic row), never add users with known passwords to a clinic's database, and a seed that
fails or is killed leaves no database behind."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from isoface_desk.cli import main
from isoface_desk.config import default_db_url
from isoface_desk.devtools import demo_states, sandbox
from isoface_desk.devtools.audit_bench import AUDITOR
from isoface_desk.devtools.audit_bench import run as run_bench
from isoface_desk.devtools.demo import seed_demo
from isoface_desk.errors import AuthenticationError, InputError
from isoface_desk.services.access.passwords import verify_password
from isoface_desk.services.bundle import open_services
from isoface_desk.services.care.patients import PatientData
from isoface_desk.services.clinic.setup import ClinicData, FirstUser, GenerateCertificate
from isoface_desk.storage.migrate import upgrade
from isoface_desk.storage.probe import existing_tables
from tests.cli.child import run_cli
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

PASSWORD = "Plum-tree-42-orchard"


@pytest.fixture(scope="module")
def clinic_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clinic set up as the wizard does (not a demo), with one patient."""
    path = tmp_path_factory.mktemp("clinic") / "clinic.sqlite3"
    services = open_services(f"sqlite:///{path}")
    try:
        clinic = ClinicData(name="Real Clinic", jurisdiction_profile="uk-mhra")
        first = FirstUser("first", "Dr First", PASSWORD, "GMC 1000001")
        actor = services.setup.complete_setup(clinic, first, GenerateCertificate())
        born = dt.date(2001, 2, 3)
        services.patients.create(actor, PatientData("Zoë", "Ångström", born, "female", "C-1"))
    finally:
        services.close()
    return path


def counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as conn:
        tables = ("app_user", "patient", "signed_record", "audit_event", "clinic")
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def env() -> dict[str, str]:
    return dict(os.environ)


def test_seed_demo_refuses_every_database_it_did_not_create(
    clinic_db: Path, tmp_path: Path
) -> None:
    before = counts(clinic_db)
    done = run_cli(f"sqlite:///{clinic_db}", env(), "seed-demo", "--patients", "2")
    assert done.returncode == 1 and "already has a clinic or users" in done.stderr
    assert counts(clinic_db) == before

    schema_only = tmp_path / "schema.sqlite3"
    upgrade(f"sqlite:///{schema_only}")  # what `db upgrade` makes: a clinic may be next
    refused = run_cli(f"sqlite:///{schema_only}", env(), "seed-demo", "--patients", "0")
    assert refused.returncode == 1 and "seed-demo only creates a new database" in refused.stderr
    assert counts(schema_only)["app_user"] == 0

    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    refused = run_cli(f"sqlite:///{empty}", env(), "seed-demo", "--patients", "0")
    assert refused.returncode == 1 and "exists already" in refused.stderr
    assert empty.stat().st_size == 0


def test_audit_bench_refuses_a_clinic_a_demo_and_the_default_database(
    clinic_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = counts(clinic_db)
    done = run_cli(f"sqlite:///{clinic_db}", env(), "audit", "bench", "--records", "5")
    assert done.returncode == 1, done.stderr
    assert "audit bench runs only on a database it creates" in done.stderr
    assert "nothing was written to it" in done.stderr and "Traceback" not in done.stderr
    assert counts(clinic_db) == before  # no bench users, no 50,000 patients

    demo = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    seed_demo(demo, 0)
    assert sandbox.survey(demo) == "demo"
    refused = run_cli(demo, env(), "audit", "bench", "--records", "5")
    assert refused.returncode == 1 and "not a bench database" in refused.stderr

    assert main(["audit", "bench", "--records", "5"]) == 1  # no --db: the clinic's default
    assert "runs only on a database of its own: give one with --db" in capsys.readouterr().err
    assert not Path(default_db_url().removeprefix("sqlite:///")).exists()


def test_audit_bench_makes_its_own_database_and_reuses_only_that(tmp_path: Path) -> None:
    path = tmp_path / "new" / "bench.sqlite3"
    url = f"sqlite:///{path}"
    first = run_cli(url, env(), "audit", "bench", "--records", "20")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("records: 20\n")
    assert sandbox.survey(url) == "bench"
    assert sorted(p.name for p in path.parent.iterdir()) == ["bench.sqlite3"]

    with sqlite3.connect(path) as conn:
        hashes = dict(conn.execute("SELECT username, password_hash FROM app_user"))
    conn.close()
    assert AUDITOR in hashes and len(hashes) == 13
    for stored in hashes.values():  # no password opens any bench account
        assert not verify_password(stored, "bench-only-password")
        assert not stored.startswith("$argon2")
    services = open_services(url, migrate=False)
    try:
        with pytest.raises(AuthenticationError):
            services.auth.login(AUDITOR, "bench-only-password")
    finally:
        services.close()

    again = run_cli(url, env(), "audit", "bench", "--records", "20")  # reused as it is
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("records: 20\n")
    more = run_cli(url, env(), "audit", "bench", "--records", "30")
    assert more.returncode == 1  # its keys were locked with the first run's secret
    assert "remove it to bench more records" in more.stderr


@pytest.mark.parametrize("failure", [RuntimeError("a bug"), KeyboardInterrupt()])
def test_a_seed_that_fails_leaves_nothing_behind(
    failure: BaseException, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = demo_states.DemoSeeder.seed

    def failing(self: demo_states.DemoSeeder, index: int, state: str) -> None:
        if index == 2:
            raise failure
        seed(self, index, state)

    monkeypatch.setattr(demo_states.DemoSeeder, "seed", failing)
    on_sqlite = db_url.startswith("sqlite")
    url = f"sqlite:///{tmp_path / 'made' / 'by' / 'seed' / 'demo.sqlite3'}" if on_sqlite else db_url
    with pytest.raises(type(failure)):
        seed_demo(url, 4, full_workflow=4)
    if on_sqlite:
        assert list(tmp_path.iterdir()) == []  # no database, no -wal, no folder it made
    else:
        assert existing_tables(url) == frozenset()  # every table it made dropped again
    monkeypatch.setattr(demo_states.DemoSeeder, "seed", seed)
    assert seed_demo(url, 1, full_workflow=1).patients == 1  # nothing is in the way


def test_audit_bench_on_an_empty_server_database_marks_it(db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite: see test_audit_bench_makes_its_own_database_and_reuses_only_that")
    lines = list(run_bench(db_url, 10, echo=lambda _text: None))
    assert lines[0] == "records: 10" and sandbox.survey(db_url) == "bench"
    lines = list(run_bench(db_url, 10, echo=lambda _text: None))  # reused as it is
    assert lines[0] == "records: 10"


def test_a_killed_seed_leaves_no_database_under_its_name(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-m", "isoface_desk", "--db", f"sqlite:///{path}", "seed-demo",
         "--patients", "16"],
        cwd=ROOT, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for_records(tmp_path)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert not path.exists()  # before: a half-seeded database that seed-demo then refused
    left = [p.name for p in tmp_path.iterdir() if not p.name.endswith((".new", "-wal", "-shm"))]
    assert left == []  # only the hidden file being built (and its -wal/-shm) may remain
    assert seed_demo(f"sqlite:///{path}", 1, full_workflow=1).patients == 1


def test_seed_demo_refuses_too_many_patients_before_touching_anything(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="0 to 100,000"):
        seed_demo(f"sqlite:///{tmp_path / 'd.sqlite3'}", 100_001)
    assert list(tmp_path.iterdir()) == []


def _wait_for_records(folder: Path) -> None:
    """Until the hidden file being seeded holds a signed record (polled, never timed)."""
    for _ in range(1200):
        for temp in folder.glob(".demo.sqlite3.*.new"):
            try:
                with sqlite3.connect(f"{temp.as_uri()}?mode=ro", uri=True) as conn:
                    if conn.execute("SELECT count(*) FROM signed_record").fetchone()[0]:
                        return
            except sqlite3.Error:
                pass
        time.sleep(0.05)
    pytest.fail("the seed never reached its first signed record")
