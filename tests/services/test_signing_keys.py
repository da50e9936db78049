"""Per-person signing keys: wrapped with the password, announced and endorsed in the chain,
re-wrapped on a change of password, retired and re-issued on a reset; and the checkpoints
that backups write outside the database, which verify compares the chain with."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import text

from isoface_desk.documents.signing import generate_clinic_certificate, validate_pdf
from isoface_desk.errors import InputError
from isoface_desk.services.access.passwords import hash_password
from isoface_desk.services.access.signing_keys import forget, unlock, unlocked_key, unwrap_key
from isoface_desk.services.audit import checkpoints
from isoface_desk.services.audit.checkpoints import CheckpointService
from isoface_desk.services.audit.integrity import (
    CHECKPOINT_MISMATCH,
    NO_CHECKPOINT,
    NOT_SEALED,
    IntegrityService,
)
from isoface_desk.services.bundle import build_services
from isoface_desk.services.clinic.backup import BackupService, restore
from isoface_desk.storage.db import make_engine, read_scope, session_scope
from isoface_desk.storage.migrate import upgrade
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories import keys as keys_repo
from isoface_desk.storage.repositories import records as records_repo
from isoface_desk.storage.repositories.patients import PatientData, add_patient
from isoface_desk.storage.repositories.users import create_user
from isoface_desk.storage.seals import KEY_ISSUED, KEY_RETIRED
from tests.pdf_world import clinic_cert
from tests.services.conftest import PASSWORD, World, example_patient, visit
from tests.services.test_records import sign
from tests.storage.conftest import fake_pdf, new_record

NEW_PASSWORD = "Quince-lantern-77-harbour"


def _key(w: World, user_id: int) -> keys_repo.StoredKey:
    with read_scope(w.services.engine) as session:
        stored = keys_repo.active_key(session, user_id)
    assert stored is not None
    return stored


def _actions(w: World, action: str) -> list[dict[str, object]]:
    from isoface_desk.storage.audit import recent_events

    with read_scope(w.services.engine) as session:
        return [e.details for e in recent_events(session, 500, action=action)]


def _verify(w: World) -> tuple[bool, list[str]]:
    report = IntegrityService(w.services.engine).verify()
    return report.ok, [str(p) for p in report.problems]


def test_every_user_has_a_wrapped_key_announced_by_an_endorsed_event(world: World) -> None:
    derm = world.actors["dermatologist"]
    stored = _key(world, derm.user_id)
    with pytest.raises(ValueError):  # the bytes in the file are no key
        serialization.load_der_private_key(stored.wrapped_key, password=None)
    assert unwrap_key(stored, "Not-the-password-1") is None
    assert unwrap_key(stored, PASSWORD) is not None
    issued = _actions(world, KEY_ISSUED)
    assert len(issued) == 5  # the root (setup) and one per role
    roots = [d for d in issued if d["root"] is True]
    assert len(roots) == 1 and roots[0]["user_id"] == world.first.user_id
    root_key = roots[0]["fingerprint"]
    endorsed = [d for d in issued if d["root"] is False]
    assert {d["seal"]["key"] for d in endorsed} == {root_key}  # type: ignore[index]
    assert _verify(world) == (True, [])


def test_a_password_change_rewraps_the_same_key(world: World) -> None:
    derm = world.actors["dermatologist"]
    before = _key(world, derm.user_id)
    world.services.auth.change_own_password(derm, PASSWORD, NEW_PASSWORD)
    after = _key(world, derm.user_id)
    assert after.fingerprint == before.fingerprint and after.wrapped_key != before.wrapped_key
    assert unwrap_key(after, PASSWORD) is None and unwrap_key(after, NEW_PASSWORD) is not None
    pid = world.services.patients.create(world.first, example_patient()).id
    signed = sign(world, pid, visit(), password=NEW_PASSWORD)
    assert signed.record_id > 0 and _verify(world) == (True, [])


def test_a_reset_retires_the_key_and_older_records_still_verify(world: World) -> None:
    derm = world.actors["dermatologist"]
    pid = world.services.patients.create(world.first, example_patient()).id
    old = sign(world, pid, visit())
    old_key = _key(world, derm.user_id)
    world.services.users.reset_password(world.first, derm.user_id, NEW_PASSWORD)
    new_key = _key(world, derm.user_id)
    assert new_key.fingerprint != old_key.fingerprint
    assert [d["fingerprint"] for d in _actions(world, KEY_RETIRED)] == [old_key.fingerprint]
    assert unwrap_key(old_key, NEW_PASSWORD) is None  # the retired key stays locked
    other = world.services.patients.create(world.first, example_patient()).id
    newer = sign(world, other, visit(), password=NEW_PASSWORD)
    auditor = world.actors["auditor"]
    trusted = clinic_cert(world.services)
    for record_id in (old.record_id, newer.record_id):
        pdf = world.services.records.pdf(auditor, record_id)
        assert validate_pdf(pdf, trusted).valid
    assert _verify(world) == (True, [])


def test_issuing_keys_needs_the_administrators_unlocked_key(world: World) -> None:
    from isoface_desk.services.access.users import NewUser

    forget(world.services.engine, world.first.user_id)  # signed out
    new = NewUser("late-nurse", "Late Nurse", frozenset({"nurse"}), PASSWORD)
    with pytest.raises(InputError, match="sign out and in again"):
        world.services.users.add_user(world.first, new)
    admin = world.services.auth.login("first", PASSWORD)
    assert unlocked_key(world.services.engine, admin.user_id) is not None
    world.services.users.add_user(admin, new)
    assert _verify(world) == (True, [])


def test_a_login_is_sealed_with_the_persons_key(world: World) -> None:
    nurse = world.services.auth.login("nurse-user", PASSWORD)
    logins = [d for d in _actions(world, "login") if "seal" in d]
    stored = _key(world, nurse.user_id)
    assert logins and logins[0]["seal"]["key"] == stored.fingerprint  # type: ignore[index]
    with read_scope(world.services.engine) as session:
        assert unlock(session, nurse.user_id, PASSWORD) is not None


def test_a_backup_writes_a_signed_checkpoint_verify_compares_with(
    world: World, tmp_path: Path
) -> None:
    engine = world.services.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL backs up with pg_dump: its checkpoints come from the "
                    "checkpoint command (tested below on both backends)")  # fmt: skip
    assert IntegrityService(engine).verify().checkpoint == NO_CHECKPOINT
    admin = world.actors["admin"]
    BackupService(engine).backup_now(admin, tmp_path / "backup.sqlite3")
    written = sorted(tmp_path.glob("isoface-checkpoint-*.json"))
    assert len(written) == 1 and oct(written[0].stat().st_mode & 0o777) == "0o600"
    body = json.loads(written[0].read_text())
    assert body["signer"] == _key(world, admin.user_id).fingerprint and body["signature"]
    report = IntegrityService(engine).verify()
    expected = f"compared with checkpoint {written[0].name} of "
    assert report.ok and report.checkpoint.startswith(expected)
    assert "signed by admin-user" in report.checkpoint
    given = IntegrityService(engine).verify(checkpoint=written[0])
    assert given.ok and str(body["head_seq"]) in given.checkpoint
    paired = tmp_path / "backup.sqlite3.checkpoint.json"
    assert json.loads(paired.read_text()) == body  # the same head, kept with the copy
    copy_url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    restored = restore(tmp_path / "backup.sqlite3", copy_url)
    assert restored.report.ok and paired.name in restored.report.checkpoint


def test_an_edited_checkpoint_is_refused_and_one_from_elsewhere_fails(
    world: World, tmp_path: Path
) -> None:
    engine = world.services.engine
    auditor = world.actors["auditor"]
    (path, _local) = CheckpointService(engine).make(auditor, tmp_path)
    assert path.parent == tmp_path and "signed by auditor-user" in (
        IntegrityService(engine).verify().checkpoint
    )
    body = json.loads(path.read_text())
    body["head_seq"] -= 1  # an attacker moves the checkpoint back to hide a cut
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(body))
    with pytest.raises(InputError, match="edited"):
        checkpoints.read(edited)
    body = json.loads(path.read_text())
    body["head_seq"] += 5  # a checkpoint of a longer chain: events were cut off since
    for name in ("signer", "certificate", "signature"):
        body.pop(name)
    ahead = tmp_path / "ahead.json"
    ahead.write_text(json.dumps(body))
    report = IntegrityService(engine).verify(checkpoint=ahead)
    assert not report.ok and {p.kind for p in report.problems} == {CHECKPOINT_MISMATCH}
    assert "unsigned" in report.checkpoint


def test_a_database_from_before_per_person_keys_is_sealed_at_the_first_admin_sign_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 0003 on a database signed the old way: its records are 'not sealed' until
    the first administrator signs in and gets the root key, whose sealed event carries the
    old clinic certificate and fixes the older records in the chain."""
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0002")
    engine = make_engine(url)
    _, legacy_pem = generate_clinic_certificate("Old Clinic")
    old_store = records_repo._store_pdf

    def stored_a_moment_later(session: Any, stored: Any, pdf: bytes) -> Any:
        later = replace(stored, created_at=stored.created_at + dt.timedelta(milliseconds=4))
        return replace(old_store(session, later, pdf), created_at=stored.created_at)

    monkeypatch.setattr(records_repo, "_store_pdf", stored_a_moment_later)  # the old code
    with session_scope(engine) as s:
        clinic_repo.save_clinic(s, clinic_repo.ClinicData("Old Clinic", "uk-mhra"))
        s.execute(text("UPDATE clinic SET certificate_pem = :p"), {"p": legacy_pem})
        boss = create_user(s, username="boss", display_name="Boss", role="admin",
                           password_hash=hash_password(PASSWORD))  # fmt: skip
        data = PatientData("Old", "Patient", dt.date(2000, 1, 1), "female", "OLD-1", True)
        patient_id = add_patient(s, data).id
        record = records_repo.insert_signed_record(
            s, new_record(patient_id, boss.id), actor="boss", pdf_builder=fake_pdf
        )
    monkeypatch.undo()
    engine.dispose()
    upgrade(url)
    services = build_services(make_engine(url))
    try:
        before = IntegrityService(services.engine).verify()
        assert {(p.kind, p.id) for p in before.problems} == {(NOT_SEALED, record.id)}
        services.auth.login("boss", PASSWORD)
        after = IntegrityService(services.engine).verify()
        assert after.ok and after.legacy_records == 1, after.problems
        with read_scope(services.engine) as session:
            assert legacy_pem in b"".join(keys_repo.announced_certificates(session))
            assert clinic_repo.legacy_certificate(session) is None
    finally:
        services.close()
