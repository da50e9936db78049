"""Signed records, their PDFs and audit events cannot be changed: not through the ORM, not
through bulk statements, not through raw SQL (database triggers)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, delete, select, text, update

from isoface_desk.errors import ImmutableRecordError, InputError
from isoface_desk.storage.db import read_scope, session_scope
from isoface_desk.storage.models import AuditEventRow, RecordPdfRow, SignedRecordRow
from isoface_desk.storage.repositories.records import (
    corrections_of,
    get_record,
    insert_signed_record,
)
from tests.storage.conftest import new_record, seed_people, sign


@pytest.fixture(scope="module")
def signed(shared_engine: Engine) -> tuple[Engine, int, int, int]:
    user_id, (patient_id,) = seed_people(shared_engine)
    record = sign(shared_engine, patient_id, user_id)
    return shared_engine, user_id, patient_id, record.id


def test_orm_update_is_refused(signed: tuple[Engine, int, int, int]) -> None:
    engine, _, _, record_id = signed
    with pytest.raises(ImmutableRecordError, match="correct"), session_scope(engine) as s:
        s.get_one(SignedRecordRow, record_id).verdict = "blocked"
    with read_scope(engine) as s:
        assert get_record(s, record_id).verdict == "allowed"


@pytest.mark.parametrize("row", [SignedRecordRow, AuditEventRow, RecordPdfRow])
def test_orm_delete_is_refused(signed: tuple[Engine, int, int, int], row: type) -> None:
    engine = signed[0]
    with pytest.raises(ImmutableRecordError), session_scope(engine) as s:
        s.delete(s.scalars(select(row)).first())


@pytest.mark.parametrize(
    "statement",
    [
        update(SignedRecordRow).values(verdict="blocked"),
        delete(SignedRecordRow),
        update(AuditEventRow).values(actor="x"),
        delete(RecordPdfRow),
    ],
)
def test_bulk_statements_are_refused(signed: tuple[Engine, int, int, int], statement) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImmutableRecordError), session_scope(signed[0]) as s:
        s.execute(statement)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE signed_record SET verdict = 'blocked'",
        "DELETE FROM signed_record_pdf",
        "UPDATE signed_record_pdf SET pdf_hash = 'x'",
        "UPDATE audit_event SET actor = 'mallory'",
        "DELETE FROM audit_event",
    ],
)
def test_raw_sql_is_refused_by_the_database(signed: tuple[Engine, int, int, int], sql: str) -> None:
    engine = signed[0]
    with pytest.raises(ImmutableRecordError), session_scope(engine) as s:
        s.execute(text(sql))
    with pytest.raises(ImmutableRecordError), engine.connect() as conn:  # Core, no session
        try:
            conn.execute(text(sql))
        except Exception as err:
            from isoface_desk.storage.db import translate_error

            raise translate_error(err) from err  # type: ignore[arg-type]


def test_truncate_is_refused_on_postgresql(signed: tuple[Engine, int, int, int]) -> None:
    engine = signed[0]
    if engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    with pytest.raises(ImmutableRecordError), session_scope(engine) as s:
        s.execute(text("TRUNCATE audit_event"))


def test_a_correction_is_a_new_record_referencing_the_original(
    signed: tuple[Engine, int, int, int],
) -> None:
    engine, user_id, patient_id, original_id = signed
    with session_scope(engine) as s:
        before = get_record(s, original_id)
        fixed = insert_signed_record(
            s,
            new_record(patient_id, user_id, corrects_record_id=original_id, verdict="blocked"),
            actor="derm",
        )
    with read_scope(engine) as s:
        assert get_record(s, original_id) == before
        assert [c.id for c in corrections_of(s, original_id)] == [fixed.id]
        assert get_record(s, fixed.id).payload()["corrects_record_id"] == original_id


def test_a_correction_must_be_for_the_same_patient(shared_engine: Engine) -> None:
    user_id, (first, second) = seed_people(shared_engine, patients=2)
    original = sign(shared_engine, first, user_id)
    with pytest.raises(InputError, match="same patient"), session_scope(shared_engine) as s:
        insert_signed_record(
            s, new_record(second, user_id, corrects_record_id=original.id), actor="derm"
        )
