"""The attacker's toolkit: what someone holding the SQLite file and the app's source, but no
clinic password, can do to the file with the stdlib `sqlite3` module.

The source is the manual: the hashes are recomputed with the app's own functions
(storage.audit.event_hash, storage.canonical, storage.seals), and the attacker makes their
own keys and certificates with `cryptography`. Every edit is careful: the append-only
triggers are dropped first, hashes are fixed where they can be, and the chain is re-linked
after an edit (`rechain`).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from isoface_desk.documents.signing import generate_certificate
from isoface_desk.storage.audit import AuditEvent, event_hash
from isoface_desk.storage.canonical import GENESIS_HASH, canonical_json, loads, sha256_hex
from isoface_desk.storage.models import APPEND_ONLY_TABLES
from isoface_desk.storage.seals import (
    KEY_ISSUED,
    SEAL,
    fingerprint_of,
    seal_value,
    sign_with,
    statement,
)

#: How SQLAlchemy stores a UTC datetime in SQLite (naive text).
TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


@contextmanager
def tampering(path: Path) -> Iterator[sqlite3.Connection]:
    """The file opened with plain sqlite3, its append-only triggers dropped; committed and
    closed afterwards."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        for table in APPEND_ONLY_TABLES:
            for verb in ("update", "delete"):
                conn.execute(f"DROP TRIGGER IF EXISTS trg_{table}_no_{verb}")
        yield conn
        conn.commit()
    finally:
        conn.close()


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


def format_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime(TIME_FORMAT)


# -- events -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Event(AuditEvent):
    """An audit event as the attacker reads it from the file, with the means to rewrite it."""

    def fields(self) -> dict[str, Any]:
        """What the hash and a seal are computed over (details apart)."""
        return {
            "seq": self.seq,
            "time": self.time,
            "actor": self.actor,
            "action": self.action,
            "target_kind": self.target_kind,
            "target_id": self.target_id,
            "prev_hash": self.prev_hash,
        }

    def hashed(self) -> Event:
        """The event with its hash recomputed as verify does."""
        details_json = canonical_json(self.details).decode("utf-8")
        return replace(self, hash=event_hash(details_json=details_json, **self.fields()))

    def sealed_by(self, key: AttackerKey) -> Event:
        """The event with a seal by `key` over its current fields (then hash it)."""
        details = {k: v for k, v in self.details.items() if k != SEAL}
        data = statement(details=details, **self.fields())
        return replace(self, details={**details, SEAL: seal_value(key, data)})

    @property
    def seal_key(self) -> str | None:
        seal = self.details.get(SEAL)
        return str(seal["key"]) if isinstance(seal, dict) else None


def _event(row: sqlite3.Row) -> Event:
    return Event(
        seq=int(row["seq"]),
        time=parse_time(row["time"]),
        actor=row["actor"],
        action=row["action"],
        target_kind=row["target_kind"],
        target_id=row["target_id"],
        details=loads(row["details"]),
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


def events(conn: sqlite3.Connection, from_seq: int = 1) -> list[Event]:
    rows = conn.execute(
        "SELECT * FROM audit_event WHERE seq >= ? ORDER BY seq", (from_seq,)
    ).fetchall()
    return [_event(row) for row in rows]


def event(conn: sqlite3.Connection, seq: int) -> Event:
    (found,) = events(conn, seq)[:1]
    assert found.seq == seq, f"no event {seq}"
    return found


def sign_event(conn: sqlite3.Connection, record_id: int) -> Event:
    row = conn.execute(
        "SELECT * FROM audit_event WHERE action = 'sign' AND target_kind = 'record' "
        "AND target_id = ? ORDER BY seq LIMIT 1",
        (str(record_id),),
    ).fetchone()
    return _event(row)


def write_event(conn: sqlite3.Connection, ev: Event, *, old_seq: int | None = None) -> None:
    """Store `ev` over event `old_seq` (default: its own seq), or as a new row."""
    values = (
        ev.seq,
        format_time(ev.time),
        ev.actor,
        ev.action,
        ev.target_kind,
        ev.target_id,
        canonical_json(ev.details).decode("utf-8"),
        ev.prev_hash,
        ev.hash,
    )
    where = ev.seq if old_seq is None else old_seq
    done = conn.execute(
        "UPDATE audit_event SET seq = ?, time = ?, actor = ?, action = ?, target_kind = ?, "
        "target_id = ?, details = ?, prev_hash = ?, hash = ? WHERE seq = ?",
        (*values, where),
    )
    if done.rowcount == 0:
        conn.execute("INSERT INTO audit_event VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", values)


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    row = conn.execute("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), row[1]) if row is not None else (0, GENESIS_HASH)


Resealer = Callable[[Event], Event]


def rechain(conn: sqlite3.Connection, from_seq: int, reseal: Resealer | None = None) -> int:
    """Re-link every event from `from_seq` on, in seq order: prev_hash = the hash of the
    event before, hash recomputed; `reseal` may re-seal each event on the way (with keys
    the attacker holds). Returns how many events were rewritten."""
    before = conn.execute(
        "SELECT hash FROM audit_event WHERE seq < ? ORDER BY seq DESC LIMIT 1", (from_seq,)
    ).fetchone()
    prev = before[0] if before is not None else GENESIS_HASH
    count = 0
    for ev in events(conn, from_seq):
        linked = replace(ev, prev_hash=prev)
        if reseal is not None:
            linked = reseal(linked)
        linked = linked.hashed()
        write_event(conn, linked)
        prev = linked.hash
        count += 1
    return count


def edit_event(conn: sqlite3.Connection, seq: int, **changes: Any) -> Event:
    """Change fields of event `seq`, recompute its hash and re-link every later event."""
    edited = replace(event(conn, seq), **changes).hashed()
    write_event(conn, edited)
    rechain(conn, seq + 1)
    return edited


def append(
    conn: sqlite3.Connection,
    actor: str,
    action: str,
    target_kind: str,
    target_id: str,
    details: dict[str, Any],
    *,
    sealer: AttackerKey | None = None,
) -> Event:
    """A new, correctly hashed event at the head of the chain."""
    seq, prev = head(conn)
    ev = Event(seq + 1, dt.datetime.now(dt.UTC), actor, action, target_kind, target_id,
               details, prev, "")  # fmt: skip
    if sealer is not None:
        ev = ev.sealed_by(sealer)
    ev = ev.hashed()
    write_event(conn, ev)
    return ev


# -- records ----------------------------------------------------------------------------


def record_row(conn: sqlite3.Connection, record_id: int) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM signed_record WHERE id = ?", (record_id,)
    ).fetchone()
    assert row is not None, f"no record {record_id}"
    return row


def pdf_row(conn: sqlite3.Connection, record_id: int) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM signed_record_pdf WHERE record_id = ?", (record_id,)
    ).fetchone()
    assert row is not None, f"no PDF for record {record_id}"
    return row


def set_content(conn: sqlite3.Connection, record_id: int, payload: dict[str, Any]) -> str:
    """Store `payload` as the record's content with a matching content_hash and verdict
    column; the new hash."""
    content = canonical_json(payload)
    digest = sha256_hex(content)
    conn.execute(
        "UPDATE signed_record SET content = ?, content_hash = ?, verdict = ? WHERE id = ?",
        (content, digest, payload["verdict"], record_id),
    )
    return digest


def insert_copy(conn: sqlite3.Connection, record_id: int, new_id: int) -> None:
    """A new record `new_id` with every column and the PDF of record `record_id`."""
    conn.execute(
        "INSERT INTO signed_record SELECT ?, patient_id, course_id, visit_kind, visit_date, "
        "profile_id, verdict, prescriber_id, form_id, form_version, form_hash, content, "
        "content_hash, findings, justifications, signatures, has_justified_warnings, "
        "corrects_record_id, signed_by, created_at FROM signed_record WHERE id = ?",
        (new_id, record_id),
    )
    conn.execute(
        "INSERT INTO signed_record_pdf SELECT ?, pdf, pdf_hash, created_at "
        "FROM signed_record_pdf WHERE record_id = ?",
        (new_id, record_id),
    )


def column_names(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


# -- the attacker's own keys ------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class AttackerKey:
    """A key and self-signed certificate the attacker made (a storage.seals Sealer)."""

    key: ec.EllipticCurvePrivateKey
    cert_pem: bytes
    fingerprint: str

    @classmethod
    def make(cls, name: str = "Dr Mallory", organization: str = "Test Clinic") -> AttackerKey:
        # The app's own generator: the source is the attacker's manual.
        key_pem, pem = generate_certificate(name, organization)
        key = serialization.load_pem_private_key(key_pem, password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return cls(key, pem, fingerprint_of(pem))

    def sign(self, data: bytes) -> bytes:
        return sign_with(self.key, data)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )


def announce(
    ev: Event, key: AttackerKey, *, user_id: int, root: bool, sealer: AttackerKey
) -> Event:
    """`ev` turned into the "key issued" event of `key` for `user_id`, sealed by `sealer`."""
    details = {k: v for k, v in ev.details.items() if k not in (SEAL, "certificate", "fingerprint")}
    details.update(
        user_id=user_id,
        fingerprint=key.fingerprint,
        certificate=key.cert_pem.decode("ascii"),
        root=root,
    )
    return replace(ev, target_id=key.fingerprint, details=details).sealed_by(sealer)


def key_event(conn: sqlite3.Connection, user_id: int) -> Event:
    """The "key issued" event announcing `user_id`'s first key."""
    found = [e for e in events(conn) if e.action == KEY_ISSUED]
    return next(e for e in found if e.details.get("user_id") == user_id)


def root_event(conn: sqlite3.Connection) -> Event:
    return next(e for e in events(conn) if e.action == KEY_ISSUED)


def forge_record(
    conn: sqlite3.Connection, source: int, new_id: int, *, sealer: AttackerKey | None
) -> Event:
    """A new record `new_id` (a copy of record `source`, so its hashes are right) and its
    sign event at the head, sealed by `sealer` or not at all."""
    insert_copy(conn, source, new_id)
    sign = sign_event(conn, source)
    details = {k: v for k, v in sign.details.items() if k != SEAL}
    return append(conn, sign.actor, "sign", "record", str(new_id), details, sealer=sealer)


def rewrite_with_own_keys(conn: sqlite3.Connection) -> dict[str, AttackerKey]:
    """The total rewrite: every person's key replaced by one of the attacker's (in the key
    events, the key table and every seal), the whole chain re-linked from event 1. The
    mapping old fingerprint -> attacker key."""
    owners = conn.execute("SELECT fingerprint FROM signing_key").fetchall()
    keys = {row[0]: AttackerKey.make() for row in owners}

    def reseal(ev: Event) -> Event:
        if ev.action == KEY_ISSUED:
            new = keys[ev.details["fingerprint"]]
            sealer = keys[ev.seal_key] if ev.seal_key is not None else new
            root = bool(ev.details.get("root"))
            return announce(ev, new, user_id=int(ev.details["user_id"]), root=root, sealer=sealer)
        if ev.seal_key is not None:
            return ev.sealed_by(keys[ev.seal_key])
        return ev

    rechain(conn, 1, reseal)
    for old, new in keys.items():
        conn.execute(
            "UPDATE signing_key SET certificate_pem = ?, fingerprint = ? WHERE fingerprint = ?",
            (new.cert_pem, new.fingerprint, old),
        )
    return keys


# -- checkpoints ------------------------------------------------------------------------


def forge_checkpoint(
    conn: sqlite3.Connection, folder: Path, *, signer: AttackerKey | None = None
) -> Path:
    """A checkpoint of the file as it is now, written into `folder` (unsigned, or signed
    with `signer`) and named in the database as the daily backup folder, where verify
    also looks."""
    import base64
    import json

    from isoface_desk.services.audit.checkpoints import FORMAT, file_name

    seq, digest = head(conn)
    first_key = conn.execute(
        "SELECT details FROM audit_event WHERE action = 'key issued' ORDER BY seq LIMIT 1"
    ).fetchone()
    body: dict[str, Any] = {
        "format": FORMAT,
        "head_seq": seq,
        "head_hash": digest,
        "records": conn.execute("SELECT count(*) FROM signed_record").fetchone()[0],
        "root": loads(first_key[0])["fingerprint"] if first_key else None,
        "made_at": dt.datetime.now(dt.UTC).isoformat(),
        "made_by": "admin-user",
    }
    if signer is not None:
        body["signer"] = signer.fingerprint
        body["certificate"] = signer.cert_pem.decode("ascii")
        body["signature"] = base64.b64encode(signer.sign(canonical_json(body))).decode("ascii")
    data = json.dumps(body, indent=1, sort_keys=True).encode("utf-8") + b"\n"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / file_name(data)
    path.write_bytes(data)
    settings = loads(conn.execute("SELECT settings FROM clinic").fetchone()[0])
    settings["backup_folder"] = str(folder)
    conn.execute("UPDATE clinic SET settings = ?", (canonical_json(settings).decode("utf-8"),))
    return path
