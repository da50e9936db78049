"""Verify the whole database: every record's content and PDF hash, and the audit chain.

Two streaming passes in keyset-paged batches, so memory stays bounded for millions of rows:

1. The chain, by seq: gaps are missing events; a prev_hash that differs from the previous
   event's stored hash means the chain was reordered or rewritten; a recomputed hash that
   differs from the stored one means the event was edited. Each "sign" event's record must
   still exist (else: record missing).
   Seals (storage.seals) are checked on the way: each "key issued" event announces a key
   and must be sealed by an earlier, unretired key (the first, the clinic's root, by
   itself); any other sealed event must be sealed by a key announced before it.
2. The records, by id: SHA-256 of `content` against `content_hash`, against the hash the
   sign event recorded, and every stored column against the signed content (or the signing
   time); the PDF's SHA-256 against `pdf_hash` and against the sign event's, and the
   content hash the PDF names; the sign event's seal by the prescriber's own key. Records
   signed before the root key existed (a database from before per-person keys) carry no
   seal and are accepted only before that key's event, which seals them in the chain.
3. The key table against the announced keys, and, given a checkpoint made outside the
   database (`Anchor`), its event against the chain: cut-off or rewritten events and a
   wiped or replaced database fail.

Problems name a kind, a target (record or event) and an id, with a short text that never
holds patient data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import Connection, Engine, Text, cast, exc, func, select

from isoface_desk.domain.record_marks import content_hash_in
from isoface_desk.storage.audit import material_hash
from isoface_desk.storage.canonical import GENESIS_HASH, loads, sha256_hex
from isoface_desk.storage.db import translate_error
from isoface_desk.storage.models import (
    AuditEventRow,
    RecordPdfRow,
    SignedRecordRow,
    SigningKeyRow,
)
from isoface_desk.storage.repositories.records import RECORD_TARGET, SIGN_ACTION
from isoface_desk.storage.seals import (
    KEY_ISSUED,
    KEY_RETIRED,
    SEAL,
    PublicKey,
    fingerprint_of,
    row_statement,
)

CONTENT_EDITED = "content edited"
PDF_ALTERED = "PDF altered"
EVENT_MISSING = "event missing"
CHAIN_REORDERED = "chain reordered"
EVENT_EDITED = "event edited"
RECORD_MISSING = "record missing"
SEAL_BROKEN = "seal broken"
NOT_SEALED = "not sealed"
KEY_UNKNOWN = "unknown key"
KEY_EDITED = "key edited"
CHECKPOINT_MISMATCH = "checkpoint mismatch"

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
class Anchor:
    """A checkpoint's claim about the chain, from outside the database."""

    head_seq: int
    head_hash: str
    records: int
    root: str | None  # the root key's fingerprint then
    signer: str | None = None  # the key that signed the checkpoint; None: unsigned


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
    root: str | None = None  # the root key's fingerprint
    sealed_records: int = 0
    legacy_records: int = 0  # signed before per-person keys, sealed by the root's event
    checkpoint: str = ""  # which checkpoint the chain was compared with, and its age

    @property
    def ok(self) -> bool:
        return not self.problems and not self.cancelled

    def summary(self) -> str:
        return f"{self.records} records, {self.events} events verified"


@dataclass
class _Key:
    public: PublicKey
    user_id: int
    issued_seq: int
    retired_seq: int | None = None

    def active_at(self, seq: int) -> bool:
        return self.issued_seq <= seq and (self.retired_seq is None or seq <= self.retired_seq)


@dataclass
class _Run:
    total: int
    progress: Progress | None
    should_cancel: ShouldCancel | None
    anchors: Sequence[Anchor] = ()
    done: int = 0
    head: tuple[int, str] = (0, GENESIS_HASH)
    problems: dict[tuple[str, str, int], Problem] = field(default_factory=dict)
    keys: dict[str, _Key] = field(default_factory=dict)
    root: str | None = None
    root_seq: int | None = None
    root_time: dt.datetime | None = None
    anchor_hashes: dict[int, str] = field(default_factory=dict)  # found at anchors' seqs
    sealed: int = 0
    legacy: int = 0

    def add(self, kind: str, target: str, ident: int, text: str) -> None:
        self.problems.setdefault((kind, target, ident), Problem(kind, target, ident, text))

    def step(self, count: int) -> bool:
        """Report progress; False when the caller asked to stop."""
        self.done += count
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)
        return not (self.should_cancel is not None and self.should_cancel())


def verify_database(
    engine: Engine,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
    anchors: Sequence[Anchor] = (),
) -> VerifyReport:
    """Recompute every hash and check every seal, and the chain against every checkpoint
    in `anchors` (all of them: one forged to match cannot hide another that does not).
    `progress(done, total)` is called after each batch; `should_cancel()` returning True
    stops early with `cancelled=True`."""
    bind = engine
    if engine.dialect.name == "postgresql":
        bind = engine.execution_options(isolation_level="REPEATABLE READ")
    try:
        with bind.connect() as conn, conn.begin():
            return _verify(conn, progress, should_cancel, anchors)
    except exc.DBAPIError as err:
        raise translate_error(err) from err


def _verify(
    conn: Connection,
    progress: Progress | None,
    should_cancel: ShouldCancel | None,
    anchors: Sequence[Anchor],
) -> VerifyReport:
    n_events = int(conn.scalar(select(func.count()).select_from(AuditEventRow)) or 0)
    n_records = int(conn.scalar(select(func.count()).select_from(SignedRecordRow)) or 0)
    run = _Run(n_events + n_records, progress, should_cancel, anchors)
    if run.progress is not None:
        run.progress(0, run.total)
    finished = _check_chain(conn, run) and _check_records(conn, run)
    if finished:
        _check_key_table(conn, run)
        for anchor in anchors:
            _check_anchor(run, anchor, n_records)
    problems = tuple(sorted(run.problems.values(), key=lambda p: (p.target, p.id, p.kind)))
    return VerifyReport(
        records=n_records,
        events=n_events,
        problems=problems,
        cancelled=not finished,
        head_seq=run.head[0],
        head_hash=run.head[1],
        root=run.root,
        sealed_records=run.sealed,
        legacy_records=run.legacy,
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
    columns = (*_EVENT_COLUMNS, *_raw(conn, AuditEventRow.time))
    anchor_seqs = {a.head_seq for a in run.anchors}
    while True:
        rows = _fetch(
            conn,
            select(*columns).order_by(AuditEventRow.seq),
            AuditEventRow.seq,
            last_seq,
            EVENT_BATCH,
            lambda seq: run.add(EVENT_EDITED, "event", seq, UNREADABLE),
        )
        if not rows:
            return True
        signed: list[tuple[int, int]] = []
        for row in rows:
            if isinstance(row, _Skipped):
                last_seq = row.id
                continue
            seq = int(row.seq)
            parsed = _parsed(row)
            check = partial(_check_event, row, parsed, last_seq, last_hash, run)
            if _guarded(run, "event", seq, check):
                details = parsed if isinstance(parsed, dict) else {}
                _guarded(run, "event", seq, partial(_check_event_seal, row, details, run))
            if row.seq in anchor_seqs:
                run.anchor_hashes[int(row.seq)] = row.hash
            if row.action == SIGN_ACTION and row.target_kind == RECORD_TARGET:
                record_id = _as_int(row.target_id)
                if record_id is not None:
                    signed.append((record_id, row.seq))
            last_seq, last_hash = row.seq, row.hash
        run.head = (last_seq, last_hash)
        _check_signed_records_exist(conn, signed, run)
        if not run.step(len(rows)):
            return False


def _check_event(row: Any, parsed: Any, last_seq: int, last_hash: str, run: _Run) -> None:
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
        recomputed = (
            ""
            if parsed is _UNPARSED
            else material_hash(
                seq=seq,
                time=row.time,
                actor=row.actor,
                action=row.action,
                target_kind=row.target_kind,
                target_id=row.target_id,
                details=parsed,
                prev_hash=row.prev_hash,
            )
        )
    except ValueError:
        recomputed = ""
    if recomputed != row.hash:
        run.add(EVENT_EDITED, "event", seq, "its fields do not match its hash")
    if _raw_mismatch(row, "time"):
        run.add(EVENT_EDITED, "event", seq, "its time is not stored as the app writes it")


_UNPARSED = object()


def _parsed(row: Any) -> Any:
    """The event's details as JSON, or _UNPARSED."""
    try:
        return loads(row.details)
    except ValueError:
        return _UNPARSED


def _details(row: Any) -> dict[str, Any]:
    value = _parsed(row)
    return value if isinstance(value, dict) else {}


def _seal_ok(row: Any, details: dict[str, Any], key: _Key | None) -> bool:
    seal = details.get(SEAL)
    if key is None or not isinstance(seal, dict):
        return False
    data = row_statement(row, details)
    return key.active_at(int(row.seq)) and key.public.verifies(data, seal.get("sig"))


def _seal_key(details: dict[str, Any], run: _Run) -> _Key | None:
    seal = details.get(SEAL)
    return run.keys.get(str(seal.get("key"))) if isinstance(seal, dict) else None


def _check_event_seal(row: Any, details: dict[str, Any], run: _Run) -> None:
    """Keys announced and retired; seals of every event but a record's sign event (checked
    with its record, against the prescriber)."""
    if row.action == SIGN_ACTION and row.target_kind == RECORD_TARGET:
        return
    seq = int(row.seq)
    if row.action == KEY_ISSUED:
        _announce_key(row, details, run)
    sealed = SEAL in details and _seal_ok(row, details, _seal_key(details, run))
    if SEAL in details and not sealed:
        run.add(SEAL_BROKEN, "event", seq, "its seal does not match an announced key")
    if row.action == KEY_RETIRED:  # only an endorsed retirement retires a key
        known = run.keys.get(str(details.get("fingerprint")))
        if SEAL not in details:
            run.add(NOT_SEALED, "event", seq, "a key retirement without a seal")
        elif sealed and known is not None and known.retired_seq is None:
            known.retired_seq = seq


def _announce_key(row: Any, details: dict[str, Any], run: _Run) -> None:
    seq = int(row.seq)
    try:
        public = PublicKey.from_pem(str(details.get("certificate", "")))
        user_id = int(details["user_id"])
    except (ValueError, KeyError, TypeError, IndexError):
        run.add(KEY_UNKNOWN, "event", seq, "announces a key that cannot be read")
        return
    if public.fingerprint != details.get("fingerprint"):
        run.add(KEY_EDITED, "event", seq, "the key's fingerprint differs from its certificate")
        return
    key = _Key(public, user_id, seq)
    if run.root is None:  # the first key: the clinic's root, sealed by itself
        if details.get("root") is not True or _seal_key(details, run) is not None:
            run.add(KEY_UNKNOWN, "event", seq, "the first key is not a self-sealed root")
        elif not _seal_ok(row, details, key):
            run.add(SEAL_BROKEN, "event", seq, "the root key's seal does not match")
        run.root, run.root_seq, run.root_time = public.fingerprint, seq, row.time
    elif details.get("root") is not False or _seal_key(details, run) is None:
        run.add(KEY_UNKNOWN, "event", seq, "a key not endorsed by an announced key")
        return
    if public.fingerprint in run.keys:
        run.add(KEY_EDITED, "event", seq, "announces a key announced before")
        return
    run.keys[public.fingerprint] = key


def _check_key_table(conn: Connection, run: _Run) -> None:
    """The working copy of the keys against their announcements (a swapped certificate or
    owner fails; so does an announced key whose row is gone)."""
    seen: set[str] = set()
    for row in conn.execute(
        select(
            SigningKeyRow.id,
            SigningKeyRow.user_id,
            SigningKeyRow.fingerprint,
            SigningKeyRow.certificate_pem,
        )
    ):
        known = run.keys.get(row.fingerprint)
        try:
            same_cert = fingerprint_of(bytes(row.certificate_pem)) == row.fingerprint
        except (ValueError, IndexError):
            same_cert = False
        if known is None or known.user_id != row.user_id or not same_cert:
            run.add(KEY_EDITED, "key", int(row.id), "differs from the key its event announced")
        seen.add(row.fingerprint)
    for fingerprint, key in run.keys.items():
        if fingerprint not in seen:
            run.add(KEY_EDITED, "event", key.issued_seq, "the key it announced is gone")


def _check_anchor(run: _Run, anchor: Anchor, n_records: int) -> None:
    seq = anchor.head_seq
    found = run.anchor_hashes.get(seq)
    if anchor.head_seq > 0 and found is None:
        run.add(CHECKPOINT_MISMATCH, "event", seq, "events up to the checkpoint are gone")
    elif anchor.head_seq > 0 and found != anchor.head_hash:
        run.add(CHECKPOINT_MISMATCH, "event", seq, "the chain was rewritten since the checkpoint")
    if anchor.signer is not None and anchor.signer not in run.keys:
        text = "a checkpoint signed by a key this database never announced"
        run.add(CHECKPOINT_MISMATCH, "event", seq, text)
    if anchor.root is not None and anchor.root != run.root:
        run.add(CHECKPOINT_MISMATCH, "event", seq, "the root key differs from the checkpoint's")
    if n_records < anchor.records:
        run.add(
            CHECKPOINT_MISMATCH,
            "record",
            anchor.records,
            f"{anchor.records - n_records} fewer records than at the checkpoint",
        )


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
    SignedRecordRow.has_justified_warnings,
    SignedRecordRow.created_at,
    RecordPdfRow.pdf,
    RecordPdfRow.pdf_hash,
    RecordPdfRow.created_at.label("pdf_created_at"),
)


def _check_records(conn: Connection, run: _Run) -> bool:
    last_id = 0
    raw = _raw(conn, SignedRecordRow.created_at, SignedRecordRow.visit_date,
               SignedRecordRow.has_justified_warnings, RecordPdfRow.created_at)  # fmt: skip
    query = (
        select(*_RECORD_COLUMNS, *raw)
        .outerjoin(RecordPdfRow, RecordPdfRow.record_id == SignedRecordRow.id)
        .order_by(SignedRecordRow.id)
    )
    while True:
        rows = _fetch(
            conn,
            query,
            SignedRecordRow.id,
            last_id,
            RECORD_BATCH,
            lambda rid: run.add(CONTENT_EDITED, "record", rid, UNREADABLE),
        )
        if not rows:
            return True
        sign_events = _sign_events(conn, [int(row.id) for row in rows], run)
        for row in rows:
            if not isinstance(row, _Skipped):
                check = partial(_check_record, row, sign_events.get(int(row.id)), run)
                _guarded(run, "record", int(row.id), check)
        last_id = int(rows[-1].id)
        if not run.step(len(rows)):
            return False


def _sign_events(
    conn: Connection, ids: Iterable[int], run: _Run
) -> dict[int, tuple[Any, dict[str, Any]]]:
    """The first sign event of each record id, with its details parsed.

    The action is compared here, not in SQL: with `action = 'sign'` in the WHERE clause
    SQLite chose the (action, time) index and read every sign event for each batch, which
    made verify quadratic (hours for a million records); by target it reads a few rows."""
    query = (
        select(*_EVENT_COLUMNS)
        .where(AuditEventRow.target_kind == RECORD_TARGET)
        .order_by(AuditEventRow.seq)
    )
    try:
        rows = conn.execute(query.where(AuditEventRow.target_id.in_([str(i) for i in ids]))).all()
    except (ValueError, TypeError, OverflowError, exc.StatementError):
        rows = []  # an unreadable event (reported by the chain pass): one id at a time
        for ident in ids:
            try:
                rows.extend(conn.execute(query.where(AuditEventRow.target_id == str(ident))))
            except (ValueError, TypeError, OverflowError, exc.StatementError):
                continue
    found: dict[int, tuple[Any, dict[str, Any]]] = {}
    for row in rows:
        record_id = _as_int(row.target_id)
        if row.action != SIGN_ACTION or record_id is None:
            continue
        if record_id in found:
            kind = SEAL_BROKEN if SEAL in _details(row) else NOT_SEALED
            run.add(kind, "record", record_id, f"a second sign event (event {row.seq})")
            continue
        found[record_id] = (row, _details(row))
    return found


def _check_record(row: Any, event: tuple[Any, dict[str, Any]] | None, run: _Run) -> None:
    rid = int(row.id)
    sign = event[1] if event is not None else None
    content = bytes(row.content)
    actual = sha256_hex(content)
    if actual != row.content_hash:
        run.add(CONTENT_EDITED, "record", rid, "content does not match its stored hash")
    elif sign is None:
        run.add(EVENT_MISSING, "record", rid, "its sign event is missing from the chain")
    elif sign.get("content_hash") != actual:
        run.add(CONTENT_EDITED, "record", rid, "content differs from what was signed")
    elif not _columns_match(row, content, _legacy_until(event, run)):
        run.add(CONTENT_EDITED, "record", rid, "stored fields differ from the signed content")
    _check_pdf(row, sign, run)
    if event is not None:
        _check_record_seal(row, event, run)
    for table, name in _RECORD_RAW:
        if _raw_mismatch(row, name, table):
            run.add(CONTENT_EDITED, "record", rid, "a value is not stored as the app writes it")


def _check_record_seal(row: Any, event: tuple[Any, dict[str, Any]], run: _Run) -> None:
    """The sign event sealed by the prescriber's own key, and the PDF naming the content."""
    rid = int(row.id)
    sign_row, details = event
    if SEAL not in details:
        if run.root_seq is not None and int(sign_row.seq) < run.root_seq:
            run.legacy += 1  # before per-person keys: the root's seal covers it
        else:
            run.add(NOT_SEALED, "record", rid, "its sign event carries no seal")
        return
    key = _seal_key(details, run)
    if key is None or key.user_id != row.prescriber_id:
        run.add(SEAL_BROKEN, "record", rid, "not sealed by the prescriber's announced key")
    elif not _seal_ok(sign_row, details, key):
        run.add(SEAL_BROKEN, "record", rid, "its seal does not match what was signed")
    elif row.pdf is not None and content_hash_in(bytes(row.pdf)) != details.get("content_hash"):
        run.add(PDF_ALTERED, "record", rid, "the PDF does not name the content signed")
    else:
        run.sealed += 1


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


def _columns_match(row: Any, content: bytes, legacy_until: dt.datetime | None) -> bool:
    try:
        payload = loads(content)
        form = payload["form"]
        signed_at = dt.datetime.fromisoformat(payload["signed_at"])
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
            bool(payload["justifications"]),
            signed_at,
            _pdf_time(row, signed_at, legacy_until),
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
        row.has_justified_warnings,
        row.created_at,
        row.pdf_created_at,
    )
    return expected == stored


UNREADABLE = "its stored values cannot be read (changed behind the application)"
#: How SQLite holds what the application writes (SQLAlchemy's text formats, 0/1 flags):
#: other text that parses to the same value would pass the hashes but not SQL queries.
_SQLITE_FORMATS = {
    "time": re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"),
    "created_at": re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"),
    "visit_date": re.compile(r"\d{4}-\d\d-\d\d"),
    "has_justified_warnings": re.compile(r"[01]"),
}


_RECORD_RAW = (
    ("signed_record", "created_at"),
    ("signed_record", "visit_date"),
    ("signed_record", "has_justified_warnings"),
    ("signed_record_pdf", "created_at"),
)


def _raw(conn: Connection, *columns: Any) -> tuple[Any, ...]:
    """On SQLite, each column also as its stored text (`<table>_<name>_raw`)."""
    if conn.dialect.name != "sqlite":
        return ()
    return tuple(cast(c, Text).label(f"{c.table.name}_{c.key}_raw") for c in columns)


def _raw_mismatch(row: Any, name: str, table: str = "audit_event") -> bool:
    raw = getattr(row, f"{table}_{name}_raw", None)
    if raw is None:
        return False
    return _SQLITE_FORMATS[name].fullmatch(str(raw)) is None


def _fetch(
    conn: Connection,
    query: Any,
    key: Any,
    last: int,
    limit: int,
    unreadable: Callable[[int], None],
) -> list[Any]:
    """The next batch after `last`; a row whose stored values cannot be converted (text
    where a date was, say) is reported through `unreadable` and skipped, never a crash."""
    try:
        return list(conn.execute(query.where(key > last).limit(limit)).all())
    except (ValueError, TypeError, OverflowError, exc.StatementError):
        pass
    keys = list(conn.scalars(select(key).where(key > last).order_by(key).limit(limit)))
    rows: list[Any] = []
    for ident in keys:
        try:
            rows.extend(conn.execute(query.where(key == ident)).all())
        except (ValueError, TypeError, OverflowError, exc.StatementError):
            unreadable(int(ident))
            rows.append(_Skipped(int(ident)))  # reported: only moves the scan on
    return rows


@dataclass(frozen=True)
class _Skipped:
    """An unreadable row, already reported: only its key moves the scan on."""

    id: int


def _guarded(run: _Run, target: str, ident: int, check: Callable[[], None]) -> bool:
    """Run one row's check; a value of the wrong type is a problem, not a crash."""
    try:
        check()
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, UnicodeError):
        kind = EVENT_EDITED if target == "event" else CONTENT_EDITED
        run.add(kind, target, ident, UNREADABLE)
        return False
    return True


def _legacy_until(event: tuple[Any, dict[str, Any]] | None, run: _Run) -> dt.datetime | None:
    """The root key's time for a record signed before per-person keys (no seal, before the
    root's event; no bound while there is no root yet); None for every other record."""
    if event is None or SEAL in event[1]:
        return None
    if run.root_seq is None:  # not sealed, and named so: its PDF's time adds nothing
        return dt.datetime.max.replace(tzinfo=dt.UTC)
    return run.root_time if int(event[0].seq) < run.root_seq else None


def _pdf_time(row: Any, signed_at: dt.datetime, legacy_until: dt.datetime | None) -> Any:
    """What the PDF row's time must be: the signing time. A record from before migration
    0003 stored its PDF a moment after signing: any time from the signing to the root key's
    is accepted there (and the value found returned, so the comparison holds)."""
    if row.pdf is None:
        return None
    if legacy_until is not None and signed_at <= row.pdf_created_at <= legacy_until:
        return row.pdf_created_at
    return signed_at


def _as_int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None
