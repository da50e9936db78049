"""The audit chain: hash links, and one linear chain under concurrent writers."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter

import pytest
from sqlalchemy import Engine, func, select

from isoface_desk.storage.audit import (
    EventSpec,
    append_event,
    append_events,
    chain_head,
    event_hash,
    events_for_target,
)
from isoface_desk.storage.canonical import GENESIS_HASH, canonical_json
from isoface_desk.storage.db import make_engine, read_scope, session_scope
from isoface_desk.storage.integrity import verify_database
from isoface_desk.storage.models import AuditEventRow

APPENDS_PER_PROCESS = 500


def test_events_link_into_a_chain(engine: Engine) -> None:
    with session_scope(engine) as s:
        first = append_event(s, "derm", "login")
        second = append_event(s, "derm", "view", "record", 7, {"why": "audit", "n": 1.5})
    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    expected = event_hash(
        seq=2,
        time=second.time,
        actor="derm",
        action="view",
        target_kind="record",
        target_id="7",
        details_json=canonical_json({"n": 1.5, "why": "audit"}).decode(),
        prev_hash=first.hash,
    )
    assert second.hash == expected
    with read_scope(engine) as s:
        stored = events_for_target(s, "record", 7)
        assert stored == [second]
        assert chain_head(s) == (2, second.hash)


def test_bulk_append_continues_the_same_chain(engine: Engine) -> None:
    with session_scope(engine) as s:
        append_event(s, "admin", "login")
        specs = (EventSpec("seed", "create", "patient", i, {"n": i}) for i in range(2500))
        assert append_events(s, specs, batch_size=1000) == 2500
        last = append_event(s, "admin", "logout")
    assert last.seq == 2502
    report = verify_database(engine)
    assert report.ok and report.events == 2502


def test_appending_outside_a_write_unit_is_a_bug_on_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL takes the advisory lock in any transaction")
    with pytest.raises(RuntimeError, match="session_scope"), read_scope(engine) as s:
        append_event(s, "derm", "login")


def _append_many(url: str, actor: str, start: multiprocessing.synchronize.Event) -> None:
    engine = make_engine(url)
    start.wait(timeout=60)
    for i in range(APPENDS_PER_PROCESS):
        with session_scope(engine) as s:
            append_event(s, actor, "view", "record", i, {"i": i})
    engine.dispose()


@pytest.mark.slow
def test_two_processes_append_one_linear_chain(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=_append_many, args=(url, actor, start)) for actor in ("a", "b")
    ]
    for worker in workers:
        worker.start()
    began = time.perf_counter()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
    elapsed = time.perf_counter() - began
    assert [w.exitcode for w in workers] == [0, 0]

    report = verify_database(engine)
    assert report.ok, report.problems
    assert report.events == 2 * APPENDS_PER_PROCESS
    with read_scope(engine) as s:
        actors = Counter(s.scalars(select(AuditEventRow.actor)))
        interleaved = s.scalar(
            select(func.count())
            .select_from(AuditEventRow)
            .where(AuditEventRow.seq <= 500)
            .where(AuditEventRow.actor == "b")
        )
    assert actors == {"a": APPENDS_PER_PROCESS, "b": APPENDS_PER_PROCESS}
    print(
        f"{engine.dialect.name}: {2 * APPENDS_PER_PROCESS / elapsed:.0f} appends/s, "
        f"{interleaved} of b's events among the first 500"
    )
