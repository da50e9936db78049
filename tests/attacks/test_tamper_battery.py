"""The tamper battery: attacks by someone who holds the clinic's SQLite file and the app's
source, but no password, each followed by the real verification (`verify_url`, and the
`isoface-desk verify` CLI in a child process for a few), which must fail naming the
kind of problem.

The attacker is careful: triggers dropped, every hash they can recompute recomputed, the
chain re-linked after each edit, keys and certificates of their own (tests/attacks/
toolkit.py). What stops them is what they cannot make: a seal by a person's key (wrapped
with that person's password) and the checkpoint outside the database.

The limits, asserted rather than hidden: without a checkpoint, verify cannot see the
newest events cut off, events after the newest seal rewritten, a wiped database, or a
total rewrite with the attacker's own keys (each test below shows it passes then, and
fails with the checkpoint). Unsealed events appended after the newest checkpoint (a view,
a sign-in) cannot be told from real ones by anything.

Attacks verify does not catch are marked xfail(strict=True) with the reason: they are
counted in ATTACKS as tried, not detected (`TAMPER_KINDS=<detected>/<tried>`).
"""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from isoface_desk.documents.signing import load_pem_signer, sign_pdf
from isoface_desk.services.access.signing_keys import unwrap_key
from isoface_desk.services.audit.integrity import (
    CHAIN_REORDERED,
    CHECKPOINT_MISMATCH,
    CONTENT_EDITED,
    EVENT_EDITED,
    EVENT_MISSING,
    KEY_EDITED,
    KEY_UNKNOWN,
    NO_CHECKPOINT,
    NOT_SEALED,
    PDF_ALTERED,
    RECORD_MISSING,
    SEAL_BROKEN,
    VerifyReport,
    verify_url,
)
from isoface_desk.services.visits.documents_service import UNKNOWN_SIGNER, documents_at
from isoface_desk.storage.canonical import loads, sha256_hex
from isoface_desk.storage.db import make_engine, read_scope
from isoface_desk.storage.models import AuditEventRow
from isoface_desk.storage.repositories import records as records_repo
from isoface_desk.storage.repositories.keys import StoredKey
from isoface_desk.storage.seals import KEY_RETIRED, KEY_TARGET, SEAL
from tests.attacks import toolkit as kit
from tests.attacks.world import PATIENT_DATA, Clinic, Template, build_template, copy_world
from tests.cli.child import run_cli

#: Each kind of tampering tried, and the test that tries it (xfail: verify misses it).
ATTACKS: dict[str, str] = {
    "record edit, re-hashed and re-chained": "test_record_edit_rehashed_and_rechained",
    "PDF swap, re-hashed and re-chained": "test_pdf_swap_rehashed_and_rechained",
    "event edit before the newest seal, re-chained": "test_event_edit_before_the_newest_seal",
    "event edit after the newest seal, re-chained": "test_event_edit_after_the_newest_seal",
    "truncation of the newest events": "test_truncation",
    "wipe of records, PDFs, events and keys": "test_wipe",
    "forged record at the head": "test_forged_append",
    "one stored column changed alone": "test_column_edit",
    "certificate swap in the key table": "test_certificate_swap",
    "root key event rewritten, self-sealed": "test_root_key_rewritten",
    "total rewrite with the attacker's keys": "test_total_rewrite",
    "forgery with a key read from the file": "test_key_from_the_file",
    "a second sign event for a signed record": "test_second_sign_event",
    "a forged key retirement": "test_forged_key_retirement",
    "a stored value equal to verify but not to the searches": "test_equal_for_verify_only",
    "a stored value of the wrong type": "test_malformed_value",
    "a checkpoint forged in a folder the database names": "test_forged_checkpoint",
    "verify-pdf and a forged key announcement": "test_verify_pdf_and_a_forged_announcement",
}

Expected = str | tuple[str, str, int]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The clinic, built and checked clean once for the module."""
    return build_template(tmp_path_factory.mktemp("tamper-world"))


@pytest.fixture
def clinic(template: Template, tmp_path: Path) -> Clinic:
    """This test's copy, its checkpoint in this test's data folder."""
    return copy_world(template, tmp_path)


# -- how the results are read -----------------------------------------------------------


def assert_no_patient_data(text: str) -> None:
    for item in PATIENT_DATA:
        assert item not in text, f"patient data in verify's output: {item!r}"


def verified(clinic: Clinic) -> VerifyReport:
    report = verify_url(clinic.url)
    assert_no_patient_data("\n".join([*map(str, report.problems), report.checkpoint]))
    return report


def listed(report: VerifyReport) -> str:
    return "\n".join(map(str, report.problems)) or "(no problem)"


def caught(clinic: Clinic, *expected: Expected) -> VerifyReport:
    """Verify fails and names each `expected` kind, or (kind, target, id)."""
    report = verified(clinic)
    assert not report.ok, "verify passed a tampered file"
    found = {(p.kind, p.target, p.id) for p in report.problems}
    kinds = {p.kind for p in report.problems}
    missing = [e for e in expected if e not in (kinds if isinstance(e, str) else found)]
    assert not missing, f"not named: {missing}\n{listed(report)}"
    return report


def without_checkpoint(clinic: Clinic) -> VerifyReport:
    """Verify again with the checkpoint taken away: what the file alone shows."""
    assert clinic.checkpoint is not None
    clinic.checkpoint.unlink()
    report = verified(clinic)
    assert report.checkpoint == NO_CHECKPOINT
    return report


def cli_verify(clinic: Clinic, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = run_cli(clinic.url, env, "verify")
    assert "Traceback" not in done.stderr, done.stderr
    assert_no_patient_data(done.stdout + done.stderr)
    return done


def test_the_clean_clinic_verifies(
    clinic: Clinic, template: Template, cli_env: dict[str, str]
) -> None:
    report = verified(clinic)
    assert report.ok, listed(report)
    assert (report.records, report.sealed_records) == (4, 4)
    assert f"checkpoint {template.checkpoint.name} " in report.checkpoint
    done = cli_verify(clinic, cli_env)
    assert done.returncode == 0, done.stdout
    assert done.stdout.splitlines()[-1] == f"4 records, {template.head} events verified"


# -- 1, 2: a record or its PDF changed with every hash fixed ----------------------------


def test_record_edit_rehashed_and_rechained(
    clinic: Clinic, template: Template, cli_env: dict[str, str]
) -> None:
    """The justified warning's 'needs-review' made 'clear': content, column, content hash
    and the sign event's hash all agree, the chain re-linked; only the seal is left."""
    first = template.records[0]
    with kit.tampering(clinic.path) as conn:
        payload = loads(bytes(kit.record_row(conn, first)["content"]))
        assert payload["verdict"] == "needs-review"
        digest = kit.set_content(conn, first, {**payload, "verdict": "clear"})
        sign = kit.sign_event(conn, first)
        kit.edit_event(conn, sign.seq, details={**sign.details, "content_hash": digest})
    report = caught(clinic, (SEAL_BROKEN, "record", first), CHECKPOINT_MISMATCH)
    assert CONTENT_EDITED not in {p.kind for p in report.problems}  # every hash agrees
    done = cli_verify(clinic, cli_env)
    assert done.returncode == 1
    assert f"seal broken: record {first}: " in done.stdout


def test_pdf_swap_rehashed_and_rechained(clinic: Clinic, template: Template) -> None:
    """Record A given record B's genuine signed PDF, its hash and the sign event's."""
    a, b = template.records[0], template.records[2]
    with kit.tampering(clinic.path) as conn:
        other = kit.pdf_row(conn, b)
        conn.execute(
            "UPDATE signed_record_pdf SET pdf = ?, pdf_hash = ? WHERE record_id = ?",
            (other["pdf"], other["pdf_hash"], a),
        )
        sign = kit.sign_event(conn, a)
        kit.edit_event(conn, sign.seq, details={**sign.details, "pdf_hash": other["pdf_hash"]})
    caught(clinic, (SEAL_BROKEN, "record", a), CHECKPOINT_MISMATCH)


# -- 3: an event edited and the chain re-linked -----------------------------------------


def test_event_edit_before_the_newest_seal(clinic: Clinic, template: Template) -> None:
    """A view before the newest sign event given to someone else: the seals after it
    break, with or without the checkpoint."""
    with kit.tampering(clinic.path) as conn:
        kit.edit_event(conn, template.early_view, actor="auditor-user")
    newest = template.records[-1]
    caught(clinic, (SEAL_BROKEN, "record", newest), CHECKPOINT_MISMATCH)
    report = without_checkpoint(clinic)
    assert (SEAL_BROKEN, "record", newest) in {(p.kind, p.target, p.id) for p in report.problems}


def test_event_edit_after_the_newest_seal(clinic: Clinic, template: Template) -> None:
    """A view after the newest seal rewritten: no seal covers it, only the checkpoint."""
    with kit.tampering(clinic.path) as conn:
        kit.edit_event(conn, template.late_view, actor="auditor-user")
    report = caught(clinic, (CHECKPOINT_MISMATCH, "event", template.checkpoint_seq))
    assert {p.kind for p in report.problems} == {CHECKPOINT_MISMATCH}
    assert without_checkpoint(clinic).ok  # the limit: the file alone cannot show it


# -- 4, 5: events cut off, everything wiped ---------------------------------------------


@pytest.mark.parametrize("cut", ["newest 10 events", "newest record and its events"])
def test_truncation(clinic: Clinic, template: Template, cut: str) -> None:
    """The newest events the checkpoint covers deleted (with the newest record, its PDF
    and every event from its sign event on, in the second case)."""
    with kit.tampering(clinic.path) as conn:
        if cut == "newest 10 events":
            first_cut = template.head - 9
            assert first_cut > template.last_seal  # only unsealed views and the backup
        else:
            newest = template.records[-1]
            first_cut = kit.sign_event(conn, newest).seq
            conn.execute("DELETE FROM signed_record_pdf WHERE record_id = ?", (newest,))
            conn.execute("DELETE FROM signed_record WHERE id = ?", (newest,))
        conn.execute("DELETE FROM audit_event WHERE seq >= ?", (first_cut,))
    caught(clinic, (CHECKPOINT_MISMATCH, "event", template.checkpoint_seq))
    assert without_checkpoint(clinic).ok  # the limit: a shorter chain is a valid chain


def test_wipe(clinic: Clinic, template: Template, cli_env: dict[str, str]) -> None:
    with kit.tampering(clinic.path) as conn:
        for table in ("signed_record_pdf", "signed_record", "audit_event", "signing_key"):
            conn.execute(f"DELETE FROM {table}")
    caught(
        clinic,
        (CHECKPOINT_MISMATCH, "event", template.checkpoint_seq),
        (CHECKPOINT_MISMATCH, "record", len(template.records)),
    )
    done = cli_verify(clinic, cli_env)
    assert done.returncode == 1
    assert "checkpoint mismatch: " in done.stdout
    assert without_checkpoint(clinic).ok  # the limit: an empty clinic is a valid one


# -- 6: a forged record appended --------------------------------------------------------


@pytest.mark.parametrize(
    "how",
    [
        "no seal",
        "sealed by the attacker's key",
        "key announced, self-sealed",
        "key announced as a second root",
        "key announced, sealed by another attacker key",
    ],
)
def test_forged_append(clinic: Clinic, template: Template, how: str) -> None:
    """A correctly hashed new record and sign event at the head, sealed (or not) with a
    key of the attacker's, announced (or not) as the prescriber's."""
    new_id = len(template.records) + 1
    key, endorser = kit.AttackerKey.make(), kit.AttackerKey.make()
    expected: list[Expected] = []
    with kit.tampering(clinic.path) as conn:
        if how.startswith("key announced"):
            genuine = kit.key_event(conn, template.prescriber_id)
            seq, prev = kit.head(conn)
            now = dt.datetime.now(dt.UTC)
            at_head = replace(genuine, seq=seq + 1, prev_hash=prev, time=now)
            sealer = endorser if "another" in how else key
            root = "root" in how
            forged = kit.announce(
                at_head, key, user_id=template.prescriber_id, root=root, sealer=sealer
            )
            kit.write_event(conn, forged.hashed())
            expected.append((KEY_UNKNOWN, "event", seq + 1))
        sealer_of_record = None if how == "no seal" else key
        kit.forge_record(conn, template.records[-1], new_id, sealer=sealer_of_record)
    expected.append((NOT_SEALED if how == "no seal" else SEAL_BROKEN, "record", new_id))
    caught(clinic, *expected)


# -- 7: every stored column changed alone -----------------------------------------------

RECORD_EDITS = {
    "id": "id = 99",
    "patient_id": "patient_id = (SELECT patient_id FROM signed_record WHERE id = :third)",
    "course_id": "course_id = (SELECT course_id FROM signed_record WHERE id = :third)",
    "visit_kind": "visit_kind = 'follow-up'",
    "visit_date": "visit_date = '2026-11-18'",
    "profile_id": "profile_id = 'uk-mhra-2025'",
    "verdict": "verdict = 'clear'",
    "prescriber_id": "prescriber_id = (SELECT id FROM app_user WHERE username = 'first')",
    "form_id": "form_id = 'follow-up'",
    "form_version": "form_version = '0.9'",
    "form_hash": "form_hash = (SELECT form_hash FROM signed_record WHERE id = :other)",
    "content": "content = CAST(replace(CAST(content AS TEXT), 'needs-review', 'clear') AS BLOB)",
    "content_hash": "content_hash = (SELECT content_hash FROM signed_record WHERE id = :other)",
    "findings": "findings = '[]'",
    "justifications": "justifications = '{}'",
    "signatures": "signatures = json_remove(signatures, '$[0]')",
    "has_justified_warnings": "has_justified_warnings = 0",
    "corrects_record_id": "corrects_record_id = :other",
    "signed_by": "signed_by = 'first'",
    "created_at": "created_at = (SELECT created_at FROM signed_record WHERE id = :other)",
}
PDF_EDITS = {
    "record_id": "record_id = 99",
    "pdf": "pdf = CAST(pdf || X'0A' AS BLOB)",
    "pdf_hash": "pdf_hash = (SELECT pdf_hash FROM signed_record_pdf WHERE record_id = :other)",
    "created_at": "created_at = '2026-01-01 00:00:00.000000'",
}
EVENT_EDITS = {
    "seq": "seq = 1000",
    "time": "time = '2026-01-01 00:00:00.000000'",
    "actor": "actor = 'auditor-user'",
    "action": "action = 'print'",
    "target_kind": "target_kind = 'patient'",
    "target_id": "target_id = :other",
    "details": "details = json_set(details, '$.patient_id', 99)",
    "prev_hash": "prev_hash = (SELECT hash FROM audit_event WHERE seq = 1)",
    "hash": f"hash = '{'f' * 64}'",
}
TABLE_EDITS = {
    "signed_record": RECORD_EDITS,
    "signed_record_pdf": PDF_EDITS,
    "audit_event": EVENT_EDITS,
}
COLUMN_CASES = [
    *((table, column, "") for table in ("signed_record", "signed_record_pdf")
      for column in TABLE_EDITS[table]),
    *(("audit_event", column, event) for event in ("sealed sign", "unsealed view")
      for column in EVENT_EDITS),
]  # fmt: skip


def test_every_column_is_attacked(clinic: Clinic) -> None:
    """A column added to these tables fails here until an attack on it is added below."""
    with kit.tampering(clinic.path) as conn:
        for table, edits in TABLE_EDITS.items():
            assert sorted(kit.column_names(conn, table)) == sorted(edits), table


def _expected_for(table: str, column: str, record_id: int, seq: int) -> tuple[str, str, int]:
    if table == "audit_event":
        kind = {"seq": EVENT_MISSING, "prev_hash": CHAIN_REORDERED}.get(column, EVENT_EDITED)
        return (kind, "event", seq)
    if table == "signed_record":
        return (RECORD_MISSING if column == "id" else CONTENT_EDITED, "record", record_id)
    # the PDF row's time is checked against the signing time with the other columns
    return (CONTENT_EDITED if column == "created_at" else PDF_ALTERED, "record", record_id)


@pytest.mark.parametrize(("table", "column", "event"), COLUMN_CASES)
def test_column_edit(
    clinic: Clinic, template: Template, table: str, column: str, event: str
) -> None:
    """One column of record 1, its PDF row, its sealed sign event or an unsealed view,
    changed alone without any re-hash."""
    first, other, third = template.records[0], template.records[1], template.records[2]
    with kit.tampering(clinic.path) as conn:
        seq = kit.sign_event(conn, first).seq if event == "sealed sign" else template.early_view
        where = {"audit_event": "seq = :seq", "signed_record_pdf": "record_id = :id"}
        done = conn.execute(
            f"UPDATE {table} SET {TABLE_EDITS[table][column]} WHERE {where.get(table, 'id = :id')}",
            {"id": first, "seq": seq, "other": other, "third": third},
        )
        assert done.rowcount == 1
    caught(clinic, _expected_for(table, column, first, seq))


# -- 8: keys and certificates -----------------------------------------------------------


@pytest.mark.parametrize("certificate", ["the attacker's", "another person's announced one"])
def test_certificate_swap(clinic: Clinic, template: Template, certificate: str) -> None:
    """The prescriber's row in the key table given another certificate and fingerprint."""
    with kit.tampering(clinic.path) as conn:
        rows = {r["user_id"]: r for r in conn.execute("SELECT * FROM signing_key")}
        mine = rows[template.prescriber_id]
        if certificate == "the attacker's":
            key = kit.AttackerKey.make()
            cert, fingerprint = key.cert_pem, key.fingerprint
        else:
            theirs = next(r for u, r in rows.items() if u != template.prescriber_id)
            cert, fingerprint = theirs["certificate_pem"], theirs["fingerprint"]
            conn.execute(  # the two rows swap certificates (fingerprints are unique)
                "UPDATE signing_key SET certificate_pem = ?, fingerprint = ? WHERE id = ?",
                (mine["certificate_pem"], mine["fingerprint"] + "-", theirs["id"]),
            )
        conn.execute(
            "UPDATE signing_key SET certificate_pem = ?, fingerprint = ? WHERE id = ?",
            (cert, fingerprint, mine["id"]),
        )
    caught(clinic, (KEY_EDITED, "key", int(mine["id"])))


def test_root_key_rewritten(clinic: Clinic) -> None:
    """The root's "key issued" event given the attacker's certificate, sealed by itself,
    its key row to match, the chain re-linked: every key it endorsed and every seal after
    it now fails."""
    with kit.tampering(clinic.path) as conn:
        root = kit.root_event(conn)
        key = kit.AttackerKey.make()
        user = int(root.details["user_id"])
        forged = kit.announce(root, key, user_id=user, root=True, sealer=key).hashed()
        kit.write_event(conn, forged)
        conn.execute(
            "UPDATE signing_key SET certificate_pem = ?, fingerprint = ? WHERE fingerprint = ?",
            (key.cert_pem, key.fingerprint, root.details["fingerprint"]),
        )
        kit.rechain(conn, root.seq + 1)
    caught(clinic, KEY_UNKNOWN, SEAL_BROKEN, KEY_EDITED, CHECKPOINT_MISMATCH)
    report = without_checkpoint(clinic)
    assert {KEY_UNKNOWN, SEAL_BROKEN} <= {p.kind for p in report.problems}


def test_total_rewrite(clinic: Clinic, template: Template, cli_env: dict[str, str]) -> None:
    """Every key replaced by the attacker's own, every seal re-made, the whole chain
    re-linked: a consistent file, which only the checkpoint contradicts."""
    with kit.tampering(clinic.path) as conn:
        keys = kit.rewrite_with_own_keys(conn)
    assert len(keys) == 5
    caught(clinic, (CHECKPOINT_MISMATCH, "event", template.checkpoint_seq))
    done = cli_verify(clinic, cli_env)
    assert done.returncode == 1
    assert f"checkpoint mismatch: event {template.checkpoint_seq}: " in done.stdout
    report = without_checkpoint(clinic)
    assert report.ok, listed(report)  # the limit, and proof the rewrite is complete
    assert report.sealed_records == len(template.records)


# -- 9: a key read from the file --------------------------------------------------------

GUESSES = ("", "password", "dermatologist-user", "Dermatologist User", "Test Clinic")


def _attacker_pdf(key: kit.AttackerKey) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "Isoface record 1: clear. Signed: Dermatologist User")
    page.save()
    return sign_pdf(out.getvalue(), load_pem_signer(key.key_pem(), key.cert_pem))


def test_key_from_the_file(clinic: Clinic, template: Template) -> None:
    """The wrapped key is no key; guesses do not open it; a PDF the attacker signs with
    their own key (in the prescriber's name) is refused, a genuine export is accepted."""
    with kit.tampering(clinic.path) as conn:
        row = conn.execute(
            "SELECT * FROM signing_key WHERE user_id = ?", (template.prescriber_id,)
        ).fetchone()
    wrapped = bytes(row["wrapped_key"])
    for load in (serialization.load_der_private_key, serialization.load_pem_private_key):
        with pytest.raises(ValueError):
            load(wrapped, None)
    stored = StoredKey(row["id"], row["user_id"], row["fingerprint"],
                       bytes(row["certificate_pem"]), wrapped, loads(row["wrap"]),
                       kit.parse_time(row["issued_at"]), None)  # fmt: skip
    for guess in GUESSES:
        assert unwrap_key(stored, guess) is None
    forged = _attacker_pdf(kit.AttackerKey.make("Dermatologist User"))
    with documents_at(clinic.url) as documents:
        refused = documents.verify_pdf(forged)
        genuine = documents.verify_pdf(template.exported.read_bytes())
    assert not refused.ok and UNKNOWN_SIGNER in refused.kinds(), refused.problems
    assert genuine.ok and genuine.record_id == template.records[0], genuine.problems


# -- gaps the first battery found, now caught -------------------------------------------


@pytest.mark.parametrize("sealer", ["unsealed", "sealed by the attacker's key"])
def test_second_sign_event(clinic: Clinic, template: Template, sealer: str) -> None:
    first = template.records[0]
    with kit.tampering(clinic.path) as conn:
        sign = kit.sign_event(conn, first)
        details = {k: v for k, v in sign.details.items() if k != SEAL}
        details["content_hash"] = sha256_hex(b"another content")
        key = kit.AttackerKey.make() if sealer != "unsealed" else None
        kit.append(conn, "first", "sign", "record", str(first), details, sealer=key)
    caught(clinic, (SEAL_BROKEN if key else NOT_SEALED, "record", first))


def test_forged_key_retirement(clinic: Clinic, template: Template) -> None:
    with kit.tampering(clinic.path) as conn:
        fingerprint = kit.key_event(conn, template.prescriber_id).target_id
        details = {"user_id": template.prescriber_id, "fingerprint": fingerprint}
        kit.append(conn, "first", KEY_RETIRED, KEY_TARGET, fingerprint, details)
    caught(clinic, NOT_SEALED)


def _justified(clinic: Clinic) -> list[int]:
    """What the auditor's 'with justified warnings' filter lists."""
    engine = make_engine(clinic.url)
    try:
        with read_scope(engine) as session:
            flt = records_repo.RecordFilter(has_justified_warnings=True)
            return [r.id for r in records_repo.search_records(session, flt)]
    finally:
        engine.dispose()


def _since(clinic: Clinic, seq: int, since: dt.datetime) -> list[int]:
    """Events found by a time range as audit_queries.refused_signings queries one."""
    engine = make_engine(clinic.url)
    try:
        with read_scope(engine) as session:
            query = select(AuditEventRow.seq).where(AuditEventRow.time >= since)
            return [s for s in session.scalars(query) if s == seq]
    finally:
        engine.dispose()


def _hide_justified(conn: sqlite3.Connection, template: Template) -> Callable[[Clinic], Any]:
    conn.execute("UPDATE signed_record SET has_justified_warnings = 2 WHERE id = ?",
                 (template.records[0],))  # fmt: skip
    return lambda clinic: _justified(clinic) == []


def _shift_time(conn: sqlite3.Connection, template: Template) -> Callable[[Clinic], Any]:
    sign = kit.sign_event(conn, template.records[0])
    local = sign.time.astimezone(dt.timezone(dt.timedelta(hours=-5)))
    conn.execute("UPDATE audit_event SET time = ? WHERE seq = ?",
                 (local.isoformat(sep=" "), sign.seq))  # fmt: skip
    since = sign.time - dt.timedelta(minutes=1)
    return lambda clinic: _since(clinic, sign.seq, since) == []


@pytest.mark.parametrize("edit", [_hide_justified, _shift_time], ids=["boolean 2", "time"])
def test_equal_for_verify_only(
    clinic: Clinic, template: Template, edit: Callable[..., Callable[[Clinic], Any]]
) -> None:
    with kit.tampering(clinic.path) as conn:
        hidden = edit(conn, template)
    assert hidden(clinic)  # the searches no longer find it
    caught(clinic, CONTENT_EDITED if edit is _hide_justified else EVENT_EDITED)


MALFORMED = {
    "record content as TEXT": ("signed_record", "content = CAST(content AS TEXT)", "id"),
    "PDF as TEXT": ("signed_record_pdf", "pdf = CAST(pdf AS TEXT)", "record_id"),
    "visit date as a number": ("signed_record", "visit_date = '20261119'", "id"),
    "record time not a time": ("signed_record", "created_at = 'yesterday'", "id"),
    "findings not JSON": ("signed_record", "findings = 'not json'", "id"),
    "event time not a time": ("audit_event", "time = 'yesterday'", "seq"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_value(clinic: Clinic, template: Template, case: str) -> None:
    table, assignment, key = MALFORMED[case]
    ident = template.early_view if key == "seq" else template.records[0]
    with kit.tampering(clinic.path) as conn:
        done = conn.execute(f"UPDATE {table} SET {assignment} WHERE {key} = ?", (ident,))
        assert done.rowcount == 1
    caught(clinic)


@pytest.mark.parametrize("attack", ["late view edited, unsigned", "total rewrite, signed"])
def test_forged_checkpoint(clinic: Clinic, template: Template, attack: str) -> None:
    with kit.tampering(clinic.path) as conn:
        if attack.startswith("late view"):
            kit.edit_event(conn, template.late_view, actor="auditor-user")
            signer = None
        else:
            signer = next(iter(kit.rewrite_with_own_keys(conn).values()))
        kit.forge_checkpoint(conn, clinic.path.parent / "beside-the-database", signer=signer)
    caught(clinic, CHECKPOINT_MISMATCH)


def test_verify_pdf_and_a_forged_announcement(clinic: Clinic, template: Template) -> None:
    key = kit.AttackerKey.make("Dermatologist User")
    forged_pdf = _attacker_pdf(key)
    new_id = len(template.records) + 1
    with kit.tampering(clinic.path) as conn:
        genuine = kit.key_event(conn, template.prescriber_id)
        seq, prev = kit.head(conn)
        at_head = replace(genuine, seq=seq + 1, prev_hash=prev)
        announced = kit.announce(at_head, key, user_id=template.prescriber_id, root=False,
                                 sealer=key)  # fmt: skip
        kit.write_event(conn, announced.hashed())
        kit.insert_copy(conn, template.records[0], new_id)
        digest = sha256_hex(forged_pdf)
        conn.execute(
            "UPDATE signed_record_pdf SET pdf = ?, pdf_hash = ? WHERE record_id = ?",
            (forged_pdf, digest, new_id),
        )
        sign = kit.sign_event(conn, template.records[0])
        details = {**{k: v for k, v in sign.details.items() if k != SEAL}, "pdf_hash": digest}
        kit.append(conn, sign.actor, "sign", "record", str(new_id), details, sealer=key)
    caught(clinic, (KEY_UNKNOWN, "event", seq + 1), (SEAL_BROKEN, "record", new_id))
    with documents_at(clinic.url) as documents:
        result = documents.verify_pdf(forged_pdf)
    assert not result.ok, f"verify-pdf accepted the forgery as record {result.record_id}"


# -- the figure -------------------------------------------------------------------------


def _misses(test: Any) -> bool:
    return any(mark.name == "xfail" for mark in getattr(test, "pytestmark", []))


def test_tamper_kinds_counted(capsys: pytest.CaptureFixture[str]) -> None:
    """Every attack test is listed in ATTACKS; prints TAMPER_KINDS=<detected>/<tried>."""
    tests = {name for name in globals() if name.startswith("test_")}
    bookkeeping = {
        "test_the_clean_clinic_verifies",
        "test_every_column_is_attacked",
        "test_tamper_kinds_counted",
    }
    assert set(ATTACKS.values()) == tests - bookkeeping
    detected = [kind for kind, name in ATTACKS.items() if not _misses(globals()[name])]
    with capsys.disabled():
        print(f"\nTAMPER_KINDS={len(detected)}/{len(ATTACKS)}")
    assert detected
