"""Crash safety while a visit is signed and while lab results are entered (issue 11): a
child process is killed with SIGKILL during the work, 8 times per kind of work.

After every kill the SQLite file passes its integrity check, `verify` (services.integrity
.verify_url) finds nothing wrong, and the work is stored whole or not at all:
- signing (RecordService.sign_visit, the app's own call): the record, its PDF, its "sign"
  event, the course it starts and the removal of its draft; or none of them, draft kept;
- results (`isoface-desk orders result` and `orders import`, the CLI's own main in the
  child): every order of the command resulted with its "result" event (and the file's
  "import" event); or every one still planned with no event.
Work the child reported done must be there.

As in test_crash_safety the children are forked from this process, so start-up costs
nothing and the instants fall inside the work. Each child writes "start" just before the
work and "done ..." after it, then waits to be killed. One child per kind runs to the end
first, taking T; of the 8 kills, 4 are spread evenly over 0.05 T to T and 4 fall halfway
between the last kill that left nothing and the last that left everything, so they close
in on the commit itself. Each test prints its kills: instant and outcome ('none', 'whole',
or 'done': the child had finished).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
import select
import signal
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import func
from sqlalchemy import select as sql_select

from isoface_desk.services.audit.integrity import verify_url
from isoface_desk.services.bundle import build_services
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.context import Actor
from isoface_desk.storage.audit import events_for_target
from isoface_desk.storage.db import make_engine, read_scope
from isoface_desk.storage.handles import Session
from isoface_desk.storage.models import (
    AuditEventRow,
    CourseRow,
    RecordPdfRow,
    SignedRecordRow,
    VisitDraftRow,
)
from isoface_desk.storage.repositories import lab_orders as orders_repo
from tests.services.conftest import (
    PASSWORD,
    VISIT_DAY,
    example_patient,
    opened_world,
    patient_signature,
    visit,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGKILL are POSIX"),
]

KILLS = 8
SPREAD = 4  # kills at even instants; the others close in on the commit
READ_TIMEOUT_S = 60.0
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)  # the services tests' clinic clock
START = CourseStart(
    start_date=dt.date(2026, 6, 1), product="Isoface 20 mg", strength_mg=20, mg_per_day=40
)
DAY = "2026-06-03"
#: One result per blood test: value, unit, the laboratory's upper limit of normal.
VALUES = {"ALT": ("30", "U/L", "40"), "AST": ("25", "U/L", "40"),
          "TG": ("1.5", "mmol/L", ""), "CHOL": ("5.1", "mmol/L", "")}  # fmt: skip

T = TypeVar("T")
Work = Callable[..., None]
Orders = list[tuple[int, list[str]]]  # (order id, its tests)


# ----- the children (forked; they never return: they wait to be killed)


def _sign_child(fd: int, url: str, actor: Actor, patient_id: int, draft_id: int) -> None:
    services = build_services(make_engine(url), now=lambda: NOW)
    data, signatures = visit(), patient_signature()
    os.write(fd, b"start\n")
    signed = services.records.sign_visit(
        actor, patient_id, None, "initiation", data, {}, signatures, PASSWORD,
        draft_id=draft_id,
    )  # fmt: skip
    os.write(fd, f"done {signed.record_id}\n".encode())
    signal.pause()


def _cli_child(fd: int, argv: list[str]) -> None:
    from isoface_desk.cli import main

    os.environ["ISOFACE_PASSWORD"] = PASSWORD
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    os.dup2(quiet, 2)
    os.write(fd, b"start\n")
    status = main(argv)
    os.write(fd, f"done {status}\n".encode())
    signal.pause()


# ----- one kill, and a series of them


def _lines(fd: int, buffer: bytearray, until: Callable[[list[str]], bool]) -> list[str]:
    """Lines from the child until `until(lines)` or the pipe closes."""
    lines: list[str] = []
    deadline = time.monotonic() + READ_TIMEOUT_S
    while not until(lines):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            raise AssertionError(f"the child reported nothing for too long (had {lines})")
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buffer.extend(chunk)
        *complete, rest = bytes(buffer).split(b"\n")
        buffer[:] = rest
        lines.extend(line.decode() for line in complete if line)
    return lines


def _run(work: Work, args: Sequence[Any], delay_s: float | None) -> tuple[str | None, float]:
    """Fork `work(fd, *args)`; SIGKILL it `delay_s` after its "start" (None: once done).
    What its "done" line said (None: not done), and the seconds from start to done/kill."""
    ctx = multiprocessing.get_context("fork")
    read_fd, write_fd = os.pipe()
    child = ctx.Process(target=work, args=(write_fd, *args), daemon=True)
    child.start()
    os.close(write_fd)
    buffer = bytearray()
    try:
        lines = _lines(read_fd, buffer, lambda got: "start" in got)
        started = time.monotonic()
        if delay_s is None:
            lines += _lines(read_fd, buffer, lambda got: _done(got) is not None)
        else:
            time.sleep(delay_s)  # the kill instant (not a synchronisation)
        elapsed = time.monotonic() - started
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)
        child.join(READ_TIMEOUT_S)
        assert child.exitcode == -signal.SIGKILL
        lines += _lines(read_fd, buffer, lambda _got: False)  # to the end of the pipe
        return _done(lines), elapsed
    finally:
        os.close(read_fd)


def _done(lines: list[str]) -> str | None:
    return next((line.split(" ", 1)[1] for line in lines if line.startswith("done ")), None)


class Instants:
    """Where to kill (seconds after "start") a work that took `duration` once: first
    evenly spread, then halfway between the last kill that left nothing and the last that
    left everything (a machine shared with other work runs at varying speed, so these are
    the latest outcomes, not the extreme ones)."""

    def __init__(self, duration: float) -> None:
        self.spread = [duration * (0.05 + 0.95 * i / (SPREAD - 1)) for i in range(SPREAD)]
        self.none_at = 0.0
        self.whole_at: float | None = None

    def pick(self, n: int) -> float:
        if n < SPREAD:
            return self.spread[n]
        if self.whole_at is None:  # every kill so far was too early
            return self.none_at * 1.25
        return (self.none_at + self.whole_at) / 2

    def learn(self, delay: float, stored: bool) -> None:
        if stored:
            self.whole_at = delay
        else:
            self.none_at = delay


def _database_sound(url: str) -> None:
    """The file's own check, and verify (records, PDFs, the audit chain)."""
    check = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        check.close()
    report = verify_url(url)
    assert report.ok, [str(p) for p in report.problems]


def _looked_at(url: str, look: Callable[..., T], *args: Any) -> T:
    """`look(session, *args)` on a connection of its own, closed afterwards."""
    engine = make_engine(url)
    try:
        with read_scope(engine) as session:
            return look(session, *args)
    finally:
        engine.dispose()  # no connection may be shared with the next forked child


def _kill_series(
    label: str, url: str, work: Work, runs: list[tuple[Any, ...]],
    left: Callable[[Session, int], bool], done_ok: Callable[[str], bool],
) -> list[str]:  # fmt: skip
    """`work(fd, *runs[0])` runs to the end, each other run is killed. After each kill the
    database is sound, `left(session, n)` says whether run n's work is stored (failing on
    a part of it), and a run that reported done is stored. Returns each kill's instant
    and what it left: 'none', 'whole', or 'done' (the child had finished)."""
    done, duration = _run(work, runs[0], None)
    assert done is not None and done_ok(done) and _looked_at(url, left, 0), done
    instants = Instants(duration)
    outcomes = []
    for n, args in enumerate(runs[1:], start=1):
        delay = instants.pick(n - 1)
        done, _ = _run(work, args, delay)
        _database_sound(url)
        stored = _looked_at(url, left, n)
        assert done is None or (stored and done_ok(done)), f"run {n} said done {done}"
        instants.learn(delay, stored)
        outcomes.append(
            f"{delay * 1000:.0f} ms {'done' if done else 'whole' if stored else 'none'}"
        )
    print(f"\n{label}: one run {duration * 1000:.0f} ms; {len(outcomes)} kills: {outcomes}")
    assert any(o.endswith("none") for o in outcomes), "no kill landed before the commit"
    return outcomes


# ----- signing


def _signing_left(session: Session, patient_id: int, draft_id: int) -> bool:
    """True if the signing is stored whole, False if not at all; fails on anything else."""
    all_signs = session.scalar(sql_select(func.count()).where(AuditEventRow.action == "sign"))
    all_records = session.scalar(sql_select(func.count(SignedRecordRow.id)))
    assert all_signs == all_records, "a sign event without its record, or the reverse"
    of_patient = SignedRecordRow.patient_id == patient_id
    records = list(session.scalars(sql_select(SignedRecordRow.id).where(of_patient)))
    courses = list(
        session.scalars(sql_select(CourseRow.id).where(CourseRow.patient_id == patient_id))
    )
    draft = session.get(VisitDraftRow, draft_id)
    if not records:
        assert draft is not None and courses == [], "part of a signing was stored"
        return False
    (record_id,) = records
    pdfs = list(session.scalars(
        sql_select(RecordPdfRow.pdf).where(RecordPdfRow.record_id == record_id)))  # fmt: skip
    signs = [e for e in events_for_target(session, "record", record_id) if e.action == "sign"]
    assert len(pdfs) == 1 and pdfs[0].startswith(b"%PDF"), "the record without its PDF"
    assert len(signs) == 1, "the record without its sign event"
    assert draft is None, "the record signed but its draft kept"
    assert len(courses) == 1, "the initiation signed but no course started"
    return True


def test_sigkill_while_signing_stores_the_whole_record_or_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'signing.sqlite3'}"
    with opened_world(url) as w:
        derm = w.actors["dermatologist"]
        cases = []
        for _ in range(KILLS + 1):
            pid = w.services.patients.create(w.first, example_patient()).id
            draft = w.services.drafts.save(
                derm, patient_id=pid, kind="initiation", visit_date=VISIT_DAY, answers=visit()
            )
            cases.append((pid, draft.id))

    def left(session: Session, n: int) -> bool:
        return _signing_left(session, *cases[n])

    runs = [(url, derm, pid, draft_id) for pid, draft_id in cases]
    _kill_series("signing", url, _sign_child, runs, left, str.isdigit)


# ----- results


def _bloods_orders(url: str, patients: int) -> Orders:
    """Planned blood-test orders of new courses, with their tests."""
    orders = []
    with opened_world(url) as w:
        for _ in range(patients):
            patient = dataclasses.replace(example_patient(), can_get_pregnant=False)
            pid = w.services.patients.create(w.first, patient).id
            w.services.courses.start(w.first, pid, START)
            found = w.services.orders.for_patient(w.first, pid)
            orders += [(o.id, list(o.tests)) for o in found if set(o.tests) <= set(VALUES)]
    return orders


def _result_argv(url: str, orders: Orders) -> list[str]:
    ((order_id, tests),) = orders
    argv = ["--db", url, "orders", "result", f"LO-{order_id:06d}", "--date", DAY]
    for test in tests:
        value, unit, uln = VALUES[test]
        argv += ["--value", f"{test}={value}:{unit}", *(["--uln", f"{test}={uln}"] if uln else [])]
    return [*argv, "--user", "nurse-user"]


def _import_argv(url: str, folder: Path, orders: Orders) -> list[str]:
    rows = ["order,test,value,unit,uln,date"]
    rows += [f"LO-{order_id:06d},{test},{','.join(VALUES[test])},{DAY}"
             for order_id, tests in orders for test in tests]  # fmt: skip
    path = folder / f"lab-{orders[0][0]}.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return ["--db", url, "orders", "import", str(path), "--user", "nurse-user"]


def _results_left(session: Session, orders: Orders) -> bool:
    """True if every order is resulted with its one "result" event, False if every one is
    still planned with none; fails on anything in between."""
    states = []
    for order_id, tests in orders:
        order = orders_repo.get_order(session, order_id)
        events = [e for e in events_for_target(session, "order", order_id) if e.action == "result"]
        stored = order.status == "resulted"
        assert order.status in ("planned", "resulted"), order.status
        assert sorted(order.results) == (sorted(tests) if stored else []), "part of an order"
        assert len(events) == int(stored), "results without their event, or the reverse"
        states.append(stored)
    assert len(set(states)) == 1, "some orders of one command stored, others not"
    return states[0]


def _imports(session: Session) -> int:
    return int(
        session.scalar(sql_select(func.count()).where(AuditEventRow.action == "import")) or 0
    )


def test_sigkill_while_entering_results_stores_all_or_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'results.sqlite3'}"
    orders = _bloods_orders(url, patients=7)
    singles = [[order] for order in orders[: KILLS + 1]]
    pairs = [orders[KILLS + 1 + 2 * i : KILLS + 3 + 2 * i] for i in range(KILLS + 1)]
    assert all(len(p) == 2 for p in pairs), f"only {len(orders)} blood-test orders"
    groups = singles + pairs

    def left(session: Session, n: int, offset: int = 0) -> bool:
        return _results_left(session, groups[offset + n])

    ok = "0".__eq__
    results = _kill_series("orders result", url, _cli_child,
                           [(_result_argv(url, g),) for g in singles], left, ok)  # fmt: skip
    imports = _kill_series("orders import", url, _cli_child,
                           [(_import_argv(url, tmp_path, g),) for g in pairs],
                           lambda s, n: left(s, n, len(singles)), ok)  # fmt: skip
    stored_imports = 1 + sum(not o.endswith("none") for o in imports)
    assert _looked_at(url, _imports) == stored_imports, "an import event without its results"
    assert len(results) == len(imports) == KILLS
