"""Verify the whole database: every record's content and PDF hash, and the audit chain.

Two streaming passes in keyset-paged batches, so memory stays bounded for millions of rows:

1. The chain, by seq: gaps are missing events; a prev_hash that differs from the previous
   event's stored hash means the chain was reordered or rewritten; a recomputed hash that
   differs from the stored one means the event was edited. Each "sign" event's record must
   still exist (else: record missing).
2. The records, by id: SHA-256 of `content` against `content_hash`, against the hash the
   sign event recorded, and the searchable columns against the signed content; the PDF's
   SHA-256 against `pdf_hash` and against the sign event's.

Problems name a kind, a target (record or event) and an id, with a short text that never
holds patient data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, exc, func, select

from isoface_desk.storage.audit import event_hash
from isoface_desk.storage.canonical import GENESIS_HASH, loads, sha256_hex
from isoface_desk.storage.db import translate_error
from isoface_desk.storage.models import AuditEventRow, RecordPdfRow, SignedRecordRow
from isoface_desk.storage.repositories.records import RECORD_TARGET, SIGN_ACTION

CONTENT_EDITED = "content edited"
PDF_ALTERED = "PDF altered"
EVENT_MISSING = "event missing"
CHAIN_REORDERED = "chain reordered"
EVENT_EDITED = "event edited"
RECORD_MISSING = "record missing"

EVENT_BATCH = 2000
RECORD_BATCH = 200
MAX_LISTED_GAP = 50

Progress = Callable[[int, int], None]
ShouldCancel = Callable[[], bool]


@dataclass(frozen=True)
class Problem:
    kind: str
    target: str  # "record" or "event"
    id: int
    text: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.target} {self.id}: {self.text}"


@dataclass(frozen=True)
class VerifyReport:
    records: int
    events: int
    problems: tuple[Problem, ...]
    cancelled: bool = False
    #: The newest event as found: note it down outside the database (an anchor) to be able
    #: to show later that no event after it was cut off.
    head_seq: int = 0
    head_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return not self.problems and not self.cancelled

    def summary(self) -> str:
        return f"{self.records} records, {self.events} events verified"


@dataclass
class _Run:
    total: int
    progress: Progress | None
    should_cancel: ShouldCancel | None
    done: int = 0
    head: tuple[int, str] = (0, GENESIS_HASH)
    problems: dict[tuple[str, str, int], Problem] = field(default_factory=dict)

    def add(self, kind: str, target: str, ident: int, text: str) -> None:
        self.problems.setdefault((kind, target, ident), Problem(kind, target, ident, text))

    def step(self, count: int) -> bool:
        """Report progress; False when the caller asked to stop."""
        self.done += count
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)
        return not (self.should_cancel is not None and self.should_cancel())


def verify_database(
    engine: Engine, progress: Progress | None = None, should_cancel: ShouldCancel | None = None
) -> VerifyReport:
    """Recompute every hash. `progress(done, total)` is called after each batch;
    `should_cancel()` returning True stops early with `cancelled=True`."""
    bind = engine
    if engine.dialect.name == "postgresql":
        bind = engine.execution_options(isolation_level="REPEATABLE READ")
    try:
        with bind.connect() as conn, conn.begin():
            return _verify(conn, progress, should_cancel)
    except exc.DBAPIError as err:
        raise translate_error(err) from err


def _verify(
    conn: Connection, progress: Progress | None, should_cancel: ShouldCancel | None
) -> VerifyReport:
    n_events = int(conn.scalar(select(func.count()).select_from(AuditEventRow)) or 0)
    n_records = int(conn.scalar(select(func.count()).select_from(SignedRecordRow)) or 0)
    run = _Run(total=n_events + n_records, progress=progress, should_cancel=should_cancel)
    if run.progress is not None:
        run.progress(0, run.total)
    finished = _check_chain(conn, run) and _check_records(conn, run)
    problems = tuple(sorted(run.problems.values(), key=lambda p: (p.target, p.id, p.kind)))
    return VerifyReport(
        records=n_records,
        events=n_events,
        problems=problems,
        cancelled=not finished,
        head_seq=run.head[0],
        head_hash=run.head[1],
    )


# -- pass 1: the chain ------------------------------------------------------------------

_EVENT_COLUMNS = (
    AuditEventRow.seq,
    AuditEventRow.time,
    AuditEventRow.actor,
    AuditEventRow.action,
    AuditEventRow.target_kind,
    AuditEventRow.target_id,
    AuditEventRow.details,
    AuditEventRow.prev_hash,
    AuditEventRow.hash,
)


def _check_chain(conn: Connection, run: _Run) -> bool:
    last_seq, last_hash = 0, GENESIS_HASH
    while True:
        rows = conn.execute(
            select(*_EVENT_COLUMNS)
            .where(AuditEventRow.seq > last_seq)
            .order_by(AuditEventRow.seq)
            .limit(EVENT_BATCH)
        ).all()
        if not rows:
            return True
        signed: list[tuple[int, int]] = []
        for row in rows:
            _check_event(row, last_seq, last_hash, run)
            if row.action == SIGN_ACTION and row.target_kind == RECORD_TARGET:
                record_id = _as_int(row.target_id)
                if record_id is not None:
                    signed.append((record_id, row.seq))
            last_seq, last_hash = row.seq, row.hash
        run.head = (last_seq, last_hash)
        _check_signed_records_exist(conn, signed, run)
        if not run.step(len(rows)):
            return False


def _check_event(row: Any, last_seq: int, last_hash: str, run: _Run) -> None:
    seq = int(row.seq)
    if seq > last_seq + 1:
        _missing_events(last_seq + 1, seq - 1, run)
    elif row.prev_hash != last_hash:
        run.add(
            CHAIN_REORDERED,
            "event",
            seq,
            f"does not link to event {last_seq} (chain reordered or rewritten)",
        )
    try:
        recomputed = event_hash(
            seq=seq,
            time=row.time,
            actor=row.actor,
            action=row.action,
            target_kind=row.target_kind,
            target_id=row.target_id,
            details_json=row.details,
            prev_hash=row.prev_hash,
        )
    except ValueError:
        recomputed = ""
    if recomputed != row.hash:
        run.add(EVENT_EDITED, "event", seq, "its fields do not match its hash")


def _missing_events(first: int, last: int, run: _Run) -> None:
    for seq in range(first, min(last, first + MAX_LISTED_GAP - 1) + 1):
        run.add(EVENT_MISSING, "event", seq, "deleted from the audit chain")
    if last >= first + MAX_LISTED_GAP:
        run.add(
            EVENT_MISSING,
            "event",
            first + MAX_LISTED_GAP,
            f"and every event up to {last} ({last - first - MAX_LISTED_GAP + 1} more)",
        )


def _check_signed_records_exist(
    conn: Connection, signed: Sequence[tuple[int, int]], run: _Run
) -> None:
    if not signed:
        return
    ids = sorted({record_id for record_id, _seq in signed})
    present = set(conn.scalars(select(SignedRecordRow.id).where(SignedRecordRow.id.in_(ids))))
    for record_id, seq in signed:
        if record_id not in present:
            run.add(RECORD_MISSING, "record", record_id, f"signed in event {seq}, now gone")


# -- pass 2: the records ----------------------------------------------------------------

_RECORD_COLUMNS = (
    SignedRecordRow.id,
    SignedRecordRow.content,
    SignedRecordRow.content_hash,
    SignedRecordRow.patient_id,
    SignedRecordRow.course_id,
    SignedRecordRow.visit_kind,
    SignedRecordRow.visit_date,
    SignedRecordRow.profile_id,
    SignedRecordRow.verdict,
    SignedRecordRow.prescriber_id,
    SignedRecordRow.signed_by,
    SignedRecordRow.form_id,
    SignedRecordRow.form_version,
    SignedRecordRow.form_hash,
    SignedRecordRow.corrects_record_id,
    SignedRecordRow.findings,
    SignedRecordRow.justifications,
    SignedRecordRow.signatures,
    RecordPdfRow.pdf,
    RecordPdfRow.pdf_hash,
)


def _check_records(conn: Connection, run: _Run) -> bool:
    last_id = 0
    while True:
        rows = conn.execute(
            select(*_RECORD_COLUMNS)
            .outerjoin(RecordPdfRow, RecordPdfRow.record_id == SignedRecordRow.id)
            .where(SignedRecordRow.id > last_id)
            .order_by(SignedRecordRow.id)
            .limit(RECORD_BATCH)
        ).all()
        if not rows:
            return True
        sign_events = _sign_events(conn, [int(row.id) for row in rows])
        for row in rows:
            _check_record(row, sign_events.get(int(row.id)), run)
        last_id = int(rows[-1].id)
        if not run.step(len(rows)):
            return False


def _sign_events(conn: Connection, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The details of the first sign event of each record id.

    The action is compared here, not in SQL: with `action = 'sign'` in the WHERE clause
    SQLite chose the (action, time) index and read every sign event for each batch, which
    made verify quadratic (hours for a million records); by target it reads a few rows."""
    rows = conn.execute(
        select(AuditEventRow.target_id, AuditEventRow.action, AuditEventRow.details)
        .where(AuditEventRow.target_kind == RECORD_TARGET)
        .where(AuditEventRow.target_id.in_([str(i) for i in ids]))
        .order_by(AuditEventRow.seq)
    )
    found: dict[int, dict[str, Any]] = {}
    for target_id, action, details in rows:
        record_id = _as_int(target_id)
        if action != SIGN_ACTION or record_id is None or record_id in found:
            continue
        try:
            value = loads(details)
        except ValueError:
            value = {}
        found[record_id] = value if isinstance(value, dict) else {}
    return found


def _check_record(row: Any, sign: dict[str, Any] | None, run: _Run) -> None:
    rid = int(row.id)
    content = bytes(row.content)
    actual = sha256_hex(content)
    if actual != row.content_hash:
        run.add(CONTENT_EDITED, "record", rid, "content does not match its stored hash")
    elif sign is None:
        run.add(EVENT_MISSING, "record", rid, "its sign event is missing from the chain")
    elif sign.get("content_hash") != actual:
        run.add(CONTENT_EDITED, "record", rid, "content differs from what was signed")
    elif not _columns_match(row, content):
        run.add(CONTENT_EDITED, "record", rid, "stored fields differ from the signed content")
    _check_pdf(row, sign, run)


def _check_pdf(row: Any, sign: dict[str, Any] | None, run: _Run) -> None:
    rid = int(row.id)
    actual = sha256_hex(bytes(row.pdf)) if row.pdf is not None else None
    if actual is not None and actual != row.pdf_hash:
        run.add(PDF_ALTERED, "record", rid, "PDF does not match its stored hash")
    elif sign is not None and sign.get("pdf_hash") != actual:
        if actual is None:
            text = "the signed PDF is missing"
        elif sign.get("pdf_hash") is None:
            text = "a PDF was added after signing"
        else:
            text = "PDF differs from the one signed"
        run.add(PDF_ALTERED, "record", rid, text)


def _columns_match(row: Any, content: bytes) -> bool:
    try:
        payload = loads(content)
        form = payload["form"]
        expected = (
            payload["patient_id"],
            payload["course_id"],
            payload["visit_kind"],
            payload["visit_date"],
            payload["profile_id"],
            payload["verdict"],
            payload["prescriber_id"],
            payload["signed_by"],
            form["id"],
            form["version"],
            form["hash"],
            payload["corrects_record_id"],
            payload["findings"],
            payload["justifications"],
            payload["signatures"],
        )
    except (ValueError, KeyError, TypeError):
        return False
    stored = (
        row.patient_id,
        row.course_id,
        row.visit_kind,
        row.visit_date.isoformat(),
        row.profile_id,
        row.verdict,
        row.prescriber_id,
        row.signed_by,
        row.form_id,
        row.form_version,
        row.form_hash,
        row.corrects_record_id,
        row.findings,
        row.justifications,
        row.signatures,
    )
    return expected == stored


def _as_int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None
