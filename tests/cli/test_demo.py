"""`isoface-desk seed-demo`, run as a real child process on each backend: the demo data,
then `isoface-desk verify` exits 0; a second seed is refused; nothing printed names a
patient."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from isoface_desk.devtools.demo import seed_demo
from isoface_desk.devtools.demo_people import NAMES
from isoface_desk.devtools.demo_states import STATES
from isoface_desk.services.access.passwords import DEMO_PASSWORD
from isoface_desk.services.bundle import open_services
from isoface_desk.services.care.timeline import TimelineService
from isoface_desk.services.labs.lab_work import LabWorkService
from isoface_desk.storage.audit import chain_head, recent_events
from isoface_desk.storage.db import read_scope
from isoface_desk.storage.handles import Engine
from isoface_desk.storage.integrity import verify_database
from isoface_desk.storage.repositories import drafts as drafts_repo
from tests.cli.child import run_cli

pytestmark = pytest.mark.slow


def cli(db_url: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_cli(db_url, env, *args, timeout=180)


def test_seed_demo_then_verify(db_url: str, cli_env: dict[str, str], tmp_path: Path) -> None:
    seeded = cli(db_url, "seed-demo", "--patients", str(len(STATES)), env=cli_env)
    assert seeded.returncode == 0, seeded.stderr
    assert f"patients: {len(STATES)}" in seeded.stdout and "time:" in seeded.stdout
    for name in NAMES[: len(STATES)]:
        assert name.given not in seeded.stdout + seeded.stderr

    verified = cli(db_url, "verify", env=cli_env)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "events verified" in verified.stdout

    again = cli(db_url, "seed-demo", env=cli_env)
    assert again.returncode == 1
    assert "already has a clinic or users" in again.stderr
    assert cli(db_url, "verify", env=cli_env).returncode == 0

    _check_demo_content(db_url)
    _check_order_events_as_a_nurses(db_url, tmp_path)


def _check_demo_content(db_url: str) -> None:
    services = open_services(db_url, migrate=False)
    try:
        auth = services.auth
        actors = {name: auth.login(name, DEMO_PASSWORD) for name in ("derm", "nurse", "auditor")}
        nurse, derm = actors["nurse"], actors["derm"]
        assert services.patients.count(nurse) == len(STATES)
        for name in NAMES[:4]:  # Zoë Ångström, Иван Петров, 李小龍, محمد عبدالله
            assert services.patients.search(nurse, f"{name.given} {name.family}"), name
        zoe = services.patients.search(nurse, "zoe angstrom")[0]
        page = TimelineService(services.engine).for_patient(derm, zoe.id)
        assert page.courses == () and page.records == ()  # "registered": no course yet
        statuses = {
            c.status
            for p in services.patients.search(nurse, "DEMO-", limit=50)
            for c in services.courses.for_patient(nurse, p.id)
        }
        assert statuses == {"planned", "active", "completed", "stopped"}
        records = [
            r
            for p in services.patients.search(nurse, "DEMO-", limit=50)
            for r in services.records.for_patient(actors["auditor"], p.id)
        ]
        assert {r.verdict for r in records} == {"clear", "needs-review"}
        assert {r.visit_kind for r in records} == {"initiation", "follow-up", "end-of-course"}
        assert any(r.corrects_record_id for r in records)
        due = LabWorkService(services.engine).due_list(nurse, horizon_days=100_000)
        assert {i.status for i in due.items} >= {"planned", "printed"}
        with read_scope(services.engine) as session:
            assert drafts_repo.drafts_by_author(session, derm.user_id)
    finally:
        services.close()


def _check_order_events_as_a_nurses(db_url: str, tmp_path: Path) -> None:
    """The demo's printed and collected orders carry the audit details a nurse's do: the
    nurse here prints and collects through the session's services, as the CLI and the
    window do."""
    services = open_services(db_url, migrate=False)
    try:
        nurse = services.auth.login("nurse", DEMO_PASSWORD)
        with read_scope(services.engine) as session:
            seeded = chain_head(session)[0]
        due = services.lab_work.due_list(nurse, horizon_days=100_000)
        chosen = [i.order_id for i in due.items if i.status == "planned"][:2]
        services.lab_printing.print_to_file(nurse, chosen, tmp_path / "orders.pdf")
        services.lab_work.mark_collected(nurse, chosen)
        demo = _order_event_shapes(services.engine, range(1, seeded + 1))
        nurses = _order_event_shapes(services.engine, range(seeded + 1, seeded + 100))
        assert set(demo) == {"print", "collect", "result"}
        assert {a: demo[a] for a in nurses} == nurses and set(nurses) == {"print", "collect"}
    finally:
        services.close()


def _order_event_shapes(engine: Engine, seqs: range) -> dict[str, set[object]]:
    """Per action on orders, the shapes of its events' details (each key with the type of
    its value, and the print job's kind) among the events numbered `seqs`."""
    shapes: dict[str, set[object]] = {}
    with read_scope(engine) as session:
        events = recent_events(session, 100_000)
    for event in events:
        if event.target_kind == "order" and event.seq in seqs:
            shape = frozenset((k, type(v).__name__, v if k == "job" else None)
                              for k, v in event.details.items())  # fmt: skip
            shapes.setdefault(event.action, set()).add(shape)
    return shapes


def test_identity_only_patients_are_bulk_inserted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bulk.sqlite3'}"
    summary = seed_demo(url, 2500, full_workflow=0)
    assert (summary.patients, summary.records, summary.courses) == (2500, 0, 0)
    services = open_services(url, migrate=False)
    try:
        with read_scope(services.engine) as session:
            events = recent_events(session, 10, action="bulk import")
        assert sorted(e.details["count"] for e in events) == [2500]
        assert verify_database(services.engine).ok
    finally:
        services.close()
