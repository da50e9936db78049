"""Repositories return plain frozen dataclasses and keep their rules on both backends."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import uuid

import pytest
from sqlalchemy import Engine

from isoface_desk.errors import InputError, NotFound
from isoface_desk.storage.audit import events_for_target
from isoface_desk.storage.db import read_scope, session_scope
from isoface_desk.storage.repositories import (
    clinic,
    courses,
    drafts,
    lab_orders,
    patients,
    records,
    users,
)
from tests.storage.conftest import fake_pdf, new_record, seed_people, sign


def uid() -> str:
    return uuid.uuid4().hex[:10]


def test_clinic_setup_and_settings(engine: Engine) -> None:
    with session_scope(engine) as s:
        assert clinic.get_clinic(s) is None
        clinic.save_clinic(s, clinic.ClinicData(name="Clinique Zoë", jurisdiction_profile="eu"))
        saved = clinic.update_settings(s, idle_lock_minutes=10)
        with pytest.raises(InputError):
            clinic.save_clinic(
                s, clinic.ClinicData(name="x", jurisdiction_profile="eu", paper_size="A5")
            )
    with read_scope(engine) as s:
        got = clinic.get_clinic(s)
        legacy = clinic.legacy_certificate(s)
    assert got == saved and got is not None
    assert (got.name, got.settings) == ("Clinique Zoë", {"idle_lock_minutes": 10})
    assert legacy is None  # a new database has no legacy certificate
    assert dataclasses.is_dataclass(got) and type(got).__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_users_unique_names_roles_and_lockout(shared_engine: Engine) -> None:
    name = f"nurse-{uid()}"
    now = dt.datetime.now(dt.UTC)
    with session_scope(shared_engine) as s:
        user = users.create_user(
            s, username=name, display_name="Ива", role="nurse", password_hash="h"
        )
        with pytest.raises(InputError, match="already taken"):
            users.create_user(s, username=name, display_name="x", role="nurse", password_hash="h")
        with pytest.raises(InputError, match="role"):
            users.create_user(s, username=uid(), display_name="x", role="god", password_hash="h")
        for _ in range(4):
            users.record_failed_login(
                s, user.id, lock_after=5, lock_until=now + dt.timedelta(minutes=15)
            )
        assert not users.get_user(s, user.id).is_locked(now)
        locked = users.record_failed_login(
            s, user.id, lock_after=5, lock_until=now + dt.timedelta(minutes=15)
        )
        users.update_user(s, user.id, active=False)
    assert locked.is_locked(now) and not locked.is_locked(now + dt.timedelta(minutes=16))
    with read_scope(shared_engine) as s:
        again = users.get_user_by_username(s, name)
        assert again is not None and not again.active and again.display_name == "Ива"
        assert users.count_users(s) >= 1
        assert name not in [u.username for u in users.list_users(s, include_inactive=False)]
        with pytest.raises(NotFound):
            users.get_user(s, 10**9)


def test_patient_search_ignores_accents_case_and_script(shared_engine: Engine) -> None:
    tag = uid()
    people = [("Zoë", "Ångström"), ("Иван", "Петров"), ("小龍", "李"), ("محمد", "عبدالله")]
    with session_scope(shared_engine) as s:
        ids = [
            patients.add_patient(
                s,
                patients.PatientData(
                    g, f"{f} {tag}", dt.date(1990, 1, 2 + i), "male", f"{tag}-{i}"
                ),
            ).id
            for i, (g, f) in enumerate(people)
        ]
    with read_scope(shared_engine) as s:

        def hits(text: str, **kw: object) -> list[int]:
            return [p.id for p in patients.search_patients(s, f"{text} {tag}", **kw)]  # type: ignore[arg-type]

        assert hits("zoe angstrom") == [ids[0]]
        assert hits("ИВАН") == [ids[1]]
        assert hits("李") == [ids[2]]
        assert hits("عبدالله") == [ids[3]]
        assert hits("") == sorted(ids, key=lambda i: patients.get_patient(s, i).family_name)
        assert hits("", birth_date=dt.date(1990, 1, 3)) == [ids[1]]
        assert [p.id for p in patients.search_patients(s, f"{tag}-2")] == [ids[2]]
        assert patients.count_patients(s, tag) == 4
        assert patients.search_patients(s, "100%_") == []
        assert patients.get_patients(s, ids[:2])[ids[0]].full_name == f"Zoë Ångström {tag}"


def test_patient_rules(shared_engine: Engine) -> None:
    tag = uid()
    data = patients.PatientData("A", "B", dt.date(1990, 1, 1), "female", tag)
    with session_scope(shared_engine) as s:
        first = patients.add_patient(s, data)
        with pytest.raises(InputError, match="already used"):
            patients.add_patient(s, data)
        with pytest.raises(InputError):
            patients.add_patient(s, dataclasses.replace(data, sex_at_birth="?", clinic_number=""))
        changed = patients.update_patient(s, first.id, dataclasses.replace(data, family_name="Ö"))
    assert changed.family_name == "Ö" and changed.id == first.id


def test_bulk_insert_is_fast_and_searchable(shared_engine: Engine) -> None:
    tag = uid()
    rows = (
        patients.PatientData(f"Ана{i}", f"Bulk{tag}", dt.date(1980, 1, 1), "female", f"{tag}-{i}")
        for i in range(5000)
    )
    began = time.perf_counter()
    with session_scope(shared_engine) as s:
        assert patients.bulk_insert_patients(s, rows, batch_size=2000) == 5000
    elapsed = time.perf_counter() - began
    with read_scope(shared_engine) as s:
        assert patients.count_patients(s, f"АНА4999 bulk{tag}") == 1
    assert elapsed < 5, f"5,000 patients took {elapsed:.1f} s"


def test_courses(shared_engine: Engine) -> None:
    _, (pid,) = seed_people(shared_engine)
    data = courses.CourseData(pid, dt.date(2024, 1, 1), "Isotretinoin", 20.0, 120.0)
    with session_scope(shared_engine) as s:
        course = courses.add_course(s, data)
        with pytest.raises(InputError):
            courses.add_course(s, dataclasses.replace(data, end_date=dt.date(2023, 1, 1)))
        ended = courses.update_course(
            s,
            course.id,
            dataclasses.replace(data, status="completed", end_date=dt.date(2024, 6, 1)),
        )
    with read_scope(shared_engine) as s:
        assert courses.courses_for_patient(s, pid) == [ended]
        assert ended.id not in [c.id for c in courses.courses_with_status(s)]
        assert ended.id in [c.id for c in courses.courses_with_status(s, "completed")]


def test_drafts_save_overwrite_delete(shared_engine: Engine) -> None:
    uid_, (pid,) = seed_people(shared_engine)
    data = drafts.DraftData(
        pid,
        "follow_up",
        dt.date(2024, 2, 1),
        "follow_up",
        "1",
        "a" * 64,
        answers={"phq9": [0, 1]},
        author_id=uid_,
        position="phq9",
    )
    with session_scope(shared_engine) as s:
        draft = drafts.save_draft(s, data)
    with session_scope(shared_engine) as s:
        drafts.save_draft(s, dataclasses.replace(data, answers={"phq9": [0, 1, 2]}), draft.id)
    with read_scope(shared_engine) as s:
        assert drafts.get_draft(s, draft.id).answers == {"phq9": [0, 1, 2]}
        assert [d.id for d in drafts.drafts_by_author(s, uid_)] == [draft.id]
    with session_scope(shared_engine) as s:
        drafts.delete_draft(s, draft.id)
    with read_scope(shared_engine) as s:
        assert drafts.drafts_for_patient(s, pid) == []


def test_lab_orders_dedupe_and_keep_printed(shared_engine: Engine) -> None:
    _, (pid,) = seed_people(shared_engine)
    with session_scope(shared_engine) as s:
        course = courses.add_course(s, courses.CourseData(pid, dt.date(2024, 1, 1), "Iso", 20, 120))
    tag = uid()

    def order(n: int, until: int = 10) -> lab_orders.OrderData:
        return lab_orders.OrderData(
            f"{tag}:{n}",
            pid,
            ["hcg_urine"],
            dt.date(2024, n, 1),
            dt.date(2024, n, until),
            course_id=course.id,
        )

    with session_scope(shared_engine) as s:
        first = lab_orders.upsert_orders(s, [order(1), order(2), order(3)])
        lab_orders.mark_printed(s, [first[0].id])
    with session_scope(shared_engine) as s:  # regenerated: windows moved, month 3 dropped
        again = lab_orders.upsert_orders(s, [order(1, 20), order(2, 20)])
        assert lab_orders.cancel_planned_except(s, course.id, {o.key for o in again}) == 1
        with pytest.raises(InputError):
            lab_orders.mark_printed(s, [first[2].id])
    with session_scope(shared_engine) as s:
        lab_orders.mark_collected(s, [first[0].id])
        lab_orders.record_results(
            s, first[0].id, {"hcg_urine": {"value": "negative"}}, abnormal=False
        )
    with read_scope(shared_engine) as s:
        got = {o.key: o for o in lab_orders.orders_for_patient(s, pid)}
        due = lab_orders.due_orders(s, dt.date(2024, 2, 15), patient_id=pid)
    assert [o.id for o in again] == [first[0].id, first[1].id]
    assert got[f"{tag}:1"].due_until == dt.date(2024, 1, 10)  # printed: left as it was
    assert got[f"{tag}:1"].status == "resulted" and got[f"{tag}:1"].printed_at is not None
    assert got[f"{tag}:2"].due_until == dt.date(2024, 2, 20)  # planned: updated
    assert got[f"{tag}:3"].status == "cancelled"
    assert [o.key for o in due] == [f"{tag}:2"]


def test_signed_records_roundtrip_search_and_pdf(shared_engine: Engine) -> None:
    user_id, (pid,) = seed_people(shared_engine)
    first = sign(shared_engine, pid, user_id, visit_date=dt.date(2024, 1, 5))
    with session_scope(shared_engine) as s:
        second = records.insert_signed_record(
            s,
            new_record(pid, user_id, visit_kind="follow_up", justifications={}, findings=[]),
            actor="derm",
        )
    with read_scope(shared_engine) as s:
        got = records.get_record(s, first.id)
        pdf = records.get_record_pdf(s, first.id)
        by_pdf = records.find_record_by_pdf_hash(s, got.pdf_hash or "")
        mine = records.search_records(s, records.RecordFilter(patient_id=pid))
        justified = records.RecordFilter(patient_id=pid, has_justified_warnings=True)
        trail = events_for_target(s, "record", first.id)
        assert records.count_records(s, justified) == 1
        assert records.get_record_pdf(s, second.id) is None
        with pytest.raises(NotFound):
            records.get_record(s, 10**9)
    assert got == first
    assert got.answers == {"weight_kg": 61.5, "note": "Zoë — ok"}
    assert got.signatures[0]["name"] == "Zoë Ångström"
    assert pdf == fake_pdf(first) and by_pdf is not None and by_pdf.id == first.id
    assert [r.id for r in mine] == [second.id, first.id]
    assert [(e.action, e.details["content_hash"], e.details["pdf_hash"]) for e in trail] == [
        ("sign", first.content_hash, first.pdf_hash)
    ]
