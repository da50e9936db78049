"""verify_database finds every kind of tampering, names the item, and streams in batches."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine

from isoface_desk.storage import integrity
from isoface_desk.storage.audit import chain_head
from isoface_desk.storage.db import make_engine, read_scope
from isoface_desk.storage.integrity import (
    CHAIN_REORDERED,
    CONTENT_EDITED,
    EVENT_EDITED,
    EVENT_MISSING,
    KEY_EDITED,
    PDF_ALTERED,
    RECORD_MISSING,
    SEAL_BROKEN,
    verify_database,
)
from isoface_desk.storage.migrate import upgrade
from tests.storage import tamper
from tests.storage.scenario import build_clean, tamper_everything


def found(engine: Engine) -> set[tuple[str, str, int]]:
    report = verify_database(engine)
    assert not report.cancelled
    return {(p.kind, p.target, p.id) for p in report.problems}


def test_a_clean_database_verifies(engine: Engine) -> None:
    build_clean(engine)
    report = verify_database(engine)
    assert report.ok and report.problems == ()
    assert report.summary() == "7 records, 18 events verified"
    with read_scope(engine) as s:
        assert (report.head_seq, report.head_hash) == chain_head(s) and report.head_seq == 18


def test_every_kind_of_tampering_is_named(engine: Engine) -> None:
    records = build_clean(engine)
    expected = tamper_everything(engine.url.render_as_string(hide_password=False), records)
    assert found(engine) == expected


def test_problems_carry_no_patient_data(engine: Engine) -> None:
    records = build_clean(engine)
    tamper_everything(engine.url.render_as_string(hide_password=False), records)
    text = "\n".join(str(p) for p in verify_database(engine).problems)
    for name in ("Zoë", "Ångström", "2000-01-01", "derm"):
        assert name not in text


@pytest.fixture
def small(tmp_path: Path) -> tuple[Engine, str, list[int]]:
    """SQLite only: the prescriber's key (event 1), three records (sign events 2-4) and
    five views (5-9)."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    records = build_clean(engine, records=3, views=5)
    return engine, url, records


Tamper = Callable[[Connection, list[int]], None]
CASES: dict[str, tuple[Tamper, Callable[[list[int]], set[tuple[str, str, int]]]]] = {
    "content": (
        lambda c, r: tamper.edit_content(c, r[1]),
        lambda r: {(CONTENT_EDITED, "record", r[1])},
    ),
    "content+hash": (
        lambda c, r: tamper.edit_content(c, r[1], rehash=True),
        lambda r: {(CONTENT_EDITED, "record", r[1])},
    ),
    "column": (
        lambda c, r: tamper.edit_verdict_column(c, r[0]),
        lambda r: {(CONTENT_EDITED, "record", r[0])},
    ),
    "pdf": (lambda c, r: tamper.alter_pdf(c, r[2]), lambda r: {(PDF_ALTERED, "record", r[2])}),
    "pdf-deleted": (
        lambda c, r: c.exec_driver_sql(f"DELETE FROM signed_record_pdf WHERE record_id={r[2]}"),
        lambda r: {(PDF_ALTERED, "record", r[2])},
    ),
    "record-deleted": (
        lambda c, r: tamper.delete_record(c, r[0]),
        lambda r: {(RECORD_MISSING, "record", r[0])},
    ),
    "key-event-deleted": (
        lambda c, r: tamper.delete_event(c, 1),
        lambda r: {
            (EVENT_MISSING, "event", 1),
            (KEY_EDITED, "key", 1),
            *((SEAL_BROKEN, "record", rid) for rid in r),
        },
    ),
    "first-sign-event-deleted": (
        lambda c, r: tamper.delete_event(c, 2),
        lambda r: {(EVENT_MISSING, "event", 2), (EVENT_MISSING, "record", r[0])},
    ),
    "event-deleted": (
        lambda c, r: tamper.delete_event(c, 6),
        lambda r: {(EVENT_MISSING, "event", 6)},
    ),
    "event-edited": (
        lambda c, r: tamper.edit_event(c, 5),
        lambda r: {(EVENT_EDITED, "event", 5)},
    ),
    "event-rehashed": (
        lambda c, r: tamper.rehash_event(c, 5),
        lambda r: {(CHAIN_REORDERED, "event", 6)},
    ),
    "events-swapped": (
        lambda c, r: tamper.swap_events(c, 6, 7),
        lambda r: {
            (EVENT_EDITED, "event", 6),
            (EVENT_EDITED, "event", 7),
            (CHAIN_REORDERED, "event", 6),
            (CHAIN_REORDERED, "event", 7),
            (CHAIN_REORDERED, "event", 8),
        },
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_tampering_alone(small: tuple[Engine, str, list[int]], case: str) -> None:
    engine, url, records = small
    apply, expected = CASES[case]
    raw = tamper.raw_engine(url)
    with raw.begin() as conn:
        tamper.drop_guards(conn)
        apply(conn, records)
    raw.dispose()
    assert found(engine) == expected(records)


def test_long_gaps_are_summarised(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    build_clean(engine, records=1, views=80)  # events 1-82
    raw = tamper.raw_engine(url)
    with raw.begin() as conn:
        tamper.drop_guards(conn)
        for seq in range(5, 71):
            tamper.delete_event(conn, seq)
    raw.dispose()
    problems = verify_database(engine).problems
    assert [p.id for p in problems] == list(range(5, 56))
    assert {p.kind for p in problems} == {EVENT_MISSING}
    assert problems[-1].text == "and every event up to 70 (16 more)"


def test_cutting_the_tail_is_seen_only_through_the_records(
    small: tuple[Engine, str, list[int]],
) -> None:
    """A hash chain without an outside anchor cannot show that its newest events were cut
    off; the records can, because each must keep its sign event."""
    engine, url, records = small
    raw = tamper.raw_engine(url)
    with raw.begin() as conn:
        tamper.drop_guards(conn)
        for seq in range(5, 10):  # the views at the end
            tamper.delete_event(conn, seq)
    assert found(engine) == set()
    with raw.begin() as conn:
        tamper.delete_event(conn, 4)  # now the last sign event
    raw.dispose()
    assert found(engine) == {(EVENT_MISSING, "record", records[2])}


def test_batches_progress_and_cancel(
    small: tuple[Engine, str, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = small[0]
    monkeypatch.setattr(integrity, "EVENT_BATCH", 3)
    monkeypatch.setattr(integrity, "RECORD_BATCH", 2)
    calls: list[tuple[int, int]] = []
    report = verify_database(engine, progress=lambda d, t: calls.append((d, t)))
    assert report.ok
    assert calls == [(0, 12), (3, 12), (6, 12), (9, 12), (11, 12), (12, 12)]

    calls.clear()
    stopped = verify_database(
        engine, progress=lambda d, t: calls.append((d, t)), should_cancel=lambda: len(calls) >= 2
    )
    assert stopped.cancelled and not stopped.ok
    assert calls == [(0, 12), (3, 12)]
