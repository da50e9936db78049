"""`isoface-desk audit bench`: the auditor's workspace on a million signed records.

`run(db_url, records)` brings the database to `records` synthetic signed records (twelve
prescribers, 50,000 patients, ten years; storage.bulk_records), then times what the
auditor waits for, each on a fresh engine (cold pool, warm OS cache):

- opening the list: the capped count and the first page of every record, newest first;
- a filtered search (one prescriber, one year, needs-review) and one rare filter (a single
  patient), first page and count;
- paging deep: the 500th page, reached by keyset from the 499th;
- verify: every record, PDF and event (the PDFs are small placeholders, so this measures
  the per-record work; real PDFs add their SHA-256 at about 1 GB/s).

The bench stays in its sandbox (devtools/sandbox.py): it creates its database (a new
SQLite file, built beside its place and moved there already marked, or a server database
without tables) and marks it with `bench: true` in its clinic row; later runs reuse only a
database so marked. Every other database is refused before anything is written. Its users
cannot sign in (no password opens them: the hash is "!"); the measurement acts as the
bench auditor without signing in.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from isoface_desk.devtools import sandbox
from isoface_desk.devtools.demo_people import bulk_patients
from isoface_desk.errors import InputError
from isoface_desk.services.access.signing_keys import UnlockedKey, issue_key
from isoface_desk.services.audit.audit_review import COUNT_CAP, AuditReviewService, RecordFilter
from isoface_desk.services.context import Actor
from isoface_desk.storage.audit import EventSpec, append_events
from isoface_desk.storage.bulk_records import FillPlan, fill_records, patient_ids
from isoface_desk.storage.db import make_engine, read_scope, session_scope, sqlite_path
from isoface_desk.storage.fresh import building, dropped_on_failure
from isoface_desk.storage.handles import Engine, Session
from isoface_desk.storage.integrity import verify_database
from isoface_desk.storage.migrate import upgrade
from isoface_desk.storage.repositories import audit_queries as queries
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories.patients import bulk_insert_patients, count_patients
from isoface_desk.storage.repositories.records import count_records
from isoface_desk.storage.repositories.users import create_user, get_user_by_username

T = TypeVar("T")
PRESCRIBERS = 12
PATIENTS = 50_000
AUDITOR = "bench-auditor"
#: The most records a bench database gets (ten times the measured million).
MAX_RECORDS = 10_000_000
NO_PASSWORD = "!"  # not an argon2 hash: no password verifies against it
BENCH_CLINIC = clinic_repo.ClinicData(
    name="Isoface audit bench (synthetic records)",
    jurisdiction_profile="uk-mhra",
    settings={sandbox.BENCH_MARK: True},
)


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = work()
    return value, time.perf_counter() - start


def _prepare(engine: Engine, records: int, echo: Callable[[str], None]) -> Actor:
    sealers: dict[int, UnlockedKey] = {}
    with session_scope(engine) as s:
        if get_user_by_username(s, AUDITOR) is None:
            sealers = _people(s)
        if count_patients(s) < PATIENTS:
            bulk_insert_patients(s, bulk_patients(PATIENTS))
        auditor = get_user_by_username(s, AUDITOR)
        assert auditor is not None
    with read_scope(engine) as s:
        have = count_records(s)
        people = [(p.id, p.username) for p in queries.people(s)
                  if p.username.startswith("bench-derm")]  # fmt: skip
    if have < records:
        if not sealers:
            raise InputError(
                f"This bench database holds {have:,} records, made by an earlier run whose "
                "signing keys are locked with a secret that run kept in memory: remove it "
                "to bench more records."
            )
        echo(f"adding {records - have:,} synthetic records (once; minutes for a million)…")
        plan = FillPlan(people, patient_ids(engine, PATIENTS), seed=have + 7, sealers=sealers)
        fill_records(engine, records - have, plan,
                     lambda done, total: echo(f"  {done:,}/{total:,}"))  # fmt: skip
    return Actor(auditor.id, AUDITOR, "Bench Auditor", frozenset({"auditor"}))


def _people(s: Session) -> dict[int, UnlockedKey]:
    """The bench's auditor and prescribers, with no usable password, and their signing keys
    (the auditor's the root) wrapped with a random secret this run keeps in memory only:
    the records they seal verify like real ones, and nobody can sign with them later."""
    secret = secrets.token_urlsafe(32)
    auditor = create_user(s, username=AUDITOR, display_name="Bench Auditor", role="auditor",
                          password_hash=NO_PASSWORD)  # fmt: skip
    root = issue_key(s, auditor, secret, actor="bench", endorser=None, clinic_name="Bench")
    sealers = {}
    for i in range(PRESCRIBERS):
        derm = create_user(s, username=f"bench-derm{i}", display_name=f"Dr Bench {i:02d}",
                           role="dermatologist", password_hash=NO_PASSWORD,
                           licence_number=f"GMC {9000000 + i}")  # fmt: skip
        sealers[derm.id] = issue_key(s, derm, secret, actor="bench", endorser=root,
                                     clinic_name="Bench")  # fmt: skip
    return sealers


def run(db_url: str, records: int, echo: Callable[[str], None] = print) -> Iterator[str]:
    """Create or reuse the bench database, fill it (if needed) and measure; yields one
    line per figure. InputError, before anything is written, for any database the bench
    did not create."""
    if not 1 <= records <= MAX_RECORDS:
        raise InputError(f"The bench takes 1 to {MAX_RECORDS:,} records.")
    open_sandbox(db_url)
    engine = make_engine(db_url)
    try:
        actor = _prepare(engine, records, echo)
    finally:
        engine.dispose()
    yield from _measure(db_url, actor)


def open_sandbox(db_url: str) -> None:
    """Make the bench database (schema and mark) if it is new; reuse it if it is marked;
    refuse every other database."""
    sandbox.refuse_default_database(db_url, "audit bench")
    kind = sandbox.survey(db_url)
    if kind == "bench":
        upgrade(db_url)  # an older bench database: its schema brought up to date
        return
    if kind == "new":
        with building(db_url) as new_url:
            _create(new_url)
        return
    if kind == "empty" and sqlite_path(db_url) is None:
        with dropped_on_failure(db_url):
            _create(db_url)
        return
    raise InputError(
        f"audit bench runs only on a database it creates: {sandbox.describe(db_url)} is not "
        "a bench database, and nothing was written to it. Give a new file with --db, e.g. "
        "--db sqlite:////tmp/isoface-bench.sqlite3."
    )


def _create(db_url: str) -> None:
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with session_scope(engine) as session:
            clinic_repo.save_clinic(session, BENCH_CLINIC)
    finally:
        engine.dispose()


def _fresh(db_url: str) -> tuple[Engine, AuditReviewService]:
    engine = make_engine(db_url)
    return engine, AuditReviewService(engine)


def _measure(db_url: str, actor: Actor) -> Iterator[str]:
    engine, review = _fresh(db_url)
    try:
        total, t_count = _timed(lambda: review.count(actor, RecordFilter()))
        page, t_page = _timed(lambda: review.search(actor, RecordFilter()))
        yield f"records: {total:,}{'+' if total >= COUNT_CAP else ''}"
        yield (
            f"open the list (count + first page of {len(page.items)}): "
            f"{(t_count + t_page) * 1000:.0f} ms (count {t_count * 1000:.0f} ms)"
        )
        prescriber = page.items[0].prescriber_id if page.items else 0
        year = dt.date(2021, 1, 1)
        flt = RecordFilter(date_from=year, date_to=dt.date(2021, 12, 31),
                           prescriber_id=prescriber, verdict="needs-review")  # fmt: skip
        yield from _search(review, actor, "filtered (prescriber, 2021, needs-review)", flt)
        patient = page.items[0].patient_id if page.items else 0
        yield from _search(review, actor, "one patient", RecordFilter(patient_id=patient))
        yield from _search(review, actor, "justified warnings",
                           RecordFilter(has_justified_warnings=True))  # fmt: skip
        yield _deep(review, actor)
    finally:
        engine.dispose()
    engine = make_engine(db_url)
    try:
        report, t_verify = _timed(lambda: verify_database(engine))
        yield f"verify: {report.summary()}, {len(report.problems)} problems, {t_verify:.1f} s"
    finally:
        engine.dispose()


def _search(review: AuditReviewService, actor: Actor, label: str, flt: RecordFilter
            ) -> Iterator[str]:  # fmt: skip
    page, t_page = _timed(lambda: review.search(actor, flt))
    count, t_count = _timed(lambda: review.count(actor, flt))
    yield (f"search {label}: first page {t_page * 1000:.0f} ms ({len(page.items)} rows), "
           f"count {count:,} in {t_count * 1000:.0f} ms")  # fmt: skip


def _deep(review: AuditReviewService, actor: Actor) -> str:
    flt = RecordFilter()
    page = review.search(actor, flt)
    start = time.perf_counter()
    for _ in range(499):
        if page.next_cursor is None:
            break
        page = review.search(actor, flt, after=page.next_cursor)
    each = (time.perf_counter() - start) / 499
    return f"paging by keyset: {each * 1000:.1f} ms per page of 100 (to page 500)"


def encryption_cost(folder: Path, events: int = 10_000, units: int = 500) -> Iterator[str]:
    """The same work on a plain and on an encrypted (SQLCipher) database in `folder`:
    opening (key derivation), `events` audit events in one transaction, `units` single
    event transactions (one per user action, each synced to disk), and verify."""
    from isoface_desk.storage import sqlcipher

    urls = {"plain": f"sqlite:///{folder / 'plain.sqlite3'}",
            "encrypted": sqlcipher.encrypted_url(folder / "encrypted.sqlite3",
                                                 "bench passphrase, not a real one")}  # fmt: skip
    for label, url in urls.items():
        upgrade(url)
        engine = make_engine(url)
        try:
            _, t_open = _timed(lambda e=engine: e.connect().close())  # type: ignore[misc]
            _, t_bulk = _timed(lambda e=engine: _append(e, events, 1))  # type: ignore[misc]
            _, t_units = _timed(lambda e=engine: _append(e, units, units))  # type: ignore[misc]
            report, t_verify = _timed(lambda e=engine: verify_database(e))  # type: ignore[misc]
        finally:
            engine.dispose()
        yield (f"{label}: open {t_open * 1000:.0f} ms; {events:,} events in one transaction "
               f"{t_bulk:.2f} s; {units} one-event transactions {t_units:.2f} s "
               f"({t_units / units * 1000:.1f} ms each); verify {report.events:,} events "
               f"{t_verify:.2f} s")  # fmt: skip


def _append(engine: Engine, count: int, transactions: int) -> None:
    per = count // transactions
    for _ in range(transactions):
        with session_scope(engine) as session:
            append_events(session, (EventSpec("bench", "view", "patient", i, {"i": i})
                                     for i in range(per)))  # fmt: skip
