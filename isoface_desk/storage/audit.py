"""The audit chain: one linear, hash-linked sequence of events.

Event `seq` n has `prev_hash` = hash of event n-1 (GENESIS_HASH for n = 1) and
`hash` = SHA-256 of the canonical JSON of
    {"seq", "time" (ISO-8601 UTC), "actor", "action", "target_kind", "target_id",
     "details" (the JSON value), "prev_hash"}.
`details` is stored as its canonical JSON text, so what verify hashes is exactly what was
written. `seq` is the primary key: two writers can never both add event n.

Writers take the chain in turn: on SQLite every write unit of work starts with
BEGIN IMMEDIATE (storage.db.session_scope), so it already holds the database's write lock;
on PostgreSQL `append_event` takes a transaction-scoped advisory lock before reading the
chain head, released at commit or rollback. Append the event as the last write of a unit
of work, so the lock is held for as short a time as possible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any, cast

from sqlalchemy import Table, insert, select, text
from sqlalchemy.orm import Session

from isoface_desk.storage.canonical import GENESIS_HASH, canonical_json, loads, sha256_hex
from isoface_desk.storage.db import WRITE_OPTION
from isoface_desk.storage.models import AuditEventRow, utcnow
from isoface_desk.storage.seals import SEAL, Sealer, event_material, seal_value, statement

#: The key of the PostgreSQL advisory lock guarding the chain head ("ISOFACE1" in ASCII).
CHAIN_LOCK_KEY = 0x49534F4641434531


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    time: dt.datetime
    actor: str
    action: str
    target_kind: str
    target_id: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


def event_hash(
    *,
    seq: int,
    time: dt.datetime,
    actor: str,
    action: str,
    target_kind: str,
    target_id: str,
    details_json: str,
    prev_hash: str,
) -> str:
    """The hash of one event; `details_json` is the stored canonical JSON text."""
    return material_hash(
        seq=seq,
        time=time,
        actor=actor,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        details=loads(details_json),
        prev_hash=prev_hash,
    )


def material_hash(**fields: Any) -> str:
    """The hash of one event from its fields with `details` already parsed (verify parses
    each event's details once, for its hash and its seal)."""
    return sha256_hex(canonical_json(event_material(**fields)))


def lock_chain(session: Session) -> None:
    """Make this transaction the only one appending to the chain until it ends."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        lock = text("SELECT pg_advisory_xact_lock(CAST(:key AS BIGINT))")
        session.execute(lock, {"key": CHAIN_LOCK_KEY})
    elif not bind.get_execution_options().get(WRITE_OPTION):
        # A deferred SQLite transaction that read the head could not upgrade its lock.
        raise RuntimeError("audit events are appended only inside storage.db.session_scope")


@dataclass(frozen=True)
class EventSpec:
    """One event to append with `append_events`."""

    actor: str
    action: str
    target_kind: str = ""
    target_id: str | int = ""
    details: Mapping[str, Any] | None = None
    #: The unlocked key that seals the event (storage.seals), or None.
    sealer: Sealer | None = None


def append_event(
    session: Session,
    actor: str,
    action: str,
    target_kind: str = "",
    target_id: str | int = "",
    details: Mapping[str, Any] | None = None,
    *,
    sealer: Sealer | None = None,
) -> AuditEvent:
    """Add one event at the head of the chain, in the session's transaction; `sealer`
    signs it (storage.seals), which fixes every event before it.

    `details` must not identify a patient by name or birth date: use ids.
    """
    lock_chain(session)
    session.flush()
    seq, prev = chain_head(session)
    spec = EventSpec(actor, action, target_kind, target_id, details, sealer)
    row = _link(spec, seq + 1, prev)
    session.execute(insert(_table()), [row])
    return AuditEvent(
        **{**row, "details": loads(row["details"])},
    )


def append_events(session: Session, specs: Iterable[EventSpec], *, batch_size: int = 5000) -> int:
    """Append many events in order, in one transaction (bulk imports, demo seeds): the chain
    head is read once and rows are inserted with executemany. Returns how many."""
    lock_chain(session)
    session.flush()
    seq, prev = chain_head(session)
    table = _table()
    count = 0
    iterator = iter(specs)
    while chunk := list(islice(iterator, batch_size)):
        rows = []
        for spec in chunk:
            seq += 1
            row = _link(spec, seq, prev)
            prev = row["hash"]
            rows.append(row)
        session.execute(insert(table), rows)
        count += len(rows)
    return count


def _table() -> Table:
    return cast(Table, AuditEventRow.__table__)


def _link(spec: EventSpec, seq: int, prev_hash: str) -> dict[str, Any]:
    """The column values of event `seq` following `prev_hash`, hash included."""
    details = dict(spec.details or {})
    row: dict[str, Any] = {
        "seq": seq,
        "time": utcnow(),
        "actor": spec.actor,
        "action": spec.action,
        "target_kind": spec.target_kind,
        "target_id": str(spec.target_id),
        "prev_hash": prev_hash,
    }
    if spec.sealer is not None:
        details[SEAL] = seal_value(spec.sealer, statement(details=details, **row))
    details_json = canonical_json(details).decode("utf-8")
    row["hash"] = event_hash(details_json=details_json, **row)
    row["details"] = details_json
    return row


def to_event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        seq=row.seq,
        time=row.time,
        actor=row.actor,
        action=row.action,
        target_kind=row.target_kind,
        target_id=row.target_id,
        details=loads(row.details),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def events_for_target(
    session: Session, target_kind: str, target_id: str | int, limit: int = 500
) -> list[AuditEvent]:
    """The trail of one target (e.g. who viewed, printed or exported record 42), oldest first."""
    rows = session.scalars(
        select(AuditEventRow)
        .where(AuditEventRow.target_kind == target_kind)
        .where(AuditEventRow.target_id == str(target_id))
        .order_by(AuditEventRow.seq)
        .limit(limit)
    )
    return [to_event(row) for row in rows]


def recent_events(
    session: Session, limit: int = 100, actor: str | None = None, action: str | None = None
) -> list[AuditEvent]:
    """The newest events first, optionally only one actor's or one action's."""
    query = select(AuditEventRow).order_by(AuditEventRow.seq.desc()).limit(limit)
    if actor is not None:
        query = query.where(AuditEventRow.actor == actor)
    if action is not None:
        query = query.where(AuditEventRow.action == action)
    return [to_event(row) for row in session.scalars(query)]


def chain_head(session: Session) -> tuple[int, str]:
    """(seq, hash) of the newest event, or (0, GENESIS_HASH) for an empty chain."""
    head = session.execute(
        select(AuditEventRow.seq, AuditEventRow.hash).order_by(AuditEventRow.seq.desc()).limit(1)
    ).first()
    return (head[0], head[1]) if head is not None else (0, GENESIS_HASH)
