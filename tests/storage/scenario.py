"""A database with seven signed records and ten more events, then one tampering of every
kind, each on a different item; returns the problems verify must report, exactly."""

from __future__ import annotations

from sqlalchemy import Engine

from isoface_desk.storage.audit import append_event
from isoface_desk.storage.db import session_scope
from isoface_desk.storage.integrity import (
    CHAIN_REORDERED,
    CONTENT_EDITED,
    EVENT_EDITED,
    EVENT_MISSING,
    PDF_ALTERED,
    RECORD_MISSING,
)
from tests.storage import tamper
from tests.storage.conftest import seed_people, sign

Expected = set[tuple[str, str, int]]


def build_clean(engine: Engine, records: int = 7, views: int = 10) -> list[int]:
    """The prescriber's key (event 1, the root), signed records (sign events
    2..records+1), then views (the events after)."""
    user_id, (patient_id,) = seed_people(engine)
    ids = [sign(engine, patient_id, user_id).id for _ in range(records)]
    with session_scope(engine) as s:
        for i in range(views):
            append_event(s, "nurse", "view", "patient", patient_id, {"i": i})
    return ids


def tamper_everything(url: str, r: list[int]) -> Expected:
    raw = tamper.raw_engine(url)
    with raw.begin() as conn:
        tamper.drop_guards(conn)
        tamper.edit_content(conn, r[0])
        tamper.edit_content(conn, r[1], rehash=True)
        tamper.edit_verdict_column(conn, r[2])
        tamper.alter_pdf(conn, r[3])
        tamper.delete_record(conn, r[4])
        tamper.delete_event(conn, 7)  # the sign event of r[5]
        tamper.delete_event(conn, 10)
        tamper.edit_event(conn, 13)
        tamper.swap_events(conn, 15, 16)
    raw.dispose()
    return {
        (CONTENT_EDITED, "record", r[0]),
        (CONTENT_EDITED, "record", r[1]),
        (CONTENT_EDITED, "record", r[2]),
        (PDF_ALTERED, "record", r[3]),
        (RECORD_MISSING, "record", r[4]),
        (EVENT_MISSING, "event", 7),
        (EVENT_MISSING, "record", r[5]),
        (EVENT_MISSING, "event", 10),
        (EVENT_EDITED, "event", 13),
        (EVENT_EDITED, "event", 15),
        (EVENT_EDITED, "event", 16),
        (CHAIN_REORDERED, "event", 15),
        (CHAIN_REORDERED, "event", 16),
        (CHAIN_REORDERED, "event", 17),
    }
