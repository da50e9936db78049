"""Signing visits: refusals (blocks, unjustified warnings, signatures, password), what the
record holds (exactly the answers and findings), the signed PDF, corrections, and that the
database verifies afterwards."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from isoface_desk.devtools.demo_documents import demo_signature_png
from isoface_desk.devtools.demo_visits import JUSTIFICATIONS, Twist
from isoface_desk.documents.signing import validate_pdf
from isoface_desk.domain.catalog import default_catalog
from isoface_desk.domain.check_input import parse_visit
from isoface_desk.domain.engine import evaluate
from isoface_desk.errors import AuthenticationError, InputError, NotFound
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.visits.records import SignatureInput, SignedVisit, SigningRefused
from isoface_desk.storage.db import read_scope
from isoface_desk.storage.integrity import verify_database
from isoface_desk.storage.repositories import records as records_repo
from tests.pdf_world import clinic_cert
from tests.services.conftest import (
    PASSWORD,
    VISIT_DAY,
    World,
    example_patient,
    fresh_user,
    patient_signature,
    visit,
)

WARN = "LIVER_ENZYMES_HIGH"


def new_patient(w: World) -> int:
    return w.services.patients.create(w.first, example_patient()).id


def records_of(w: World, patient_id: int) -> list[records_repo.RecordSummary]:
    with read_scope(w.services.engine) as session:
        return records_repo.records_for_patient(session, patient_id)


def sign(
    w: World,
    patient_id: int,
    data: dict[str, Any],
    *,
    justifications: dict[str, str] | None = None,
    signatures: list[SignatureInput] | None = None,
    password: str = PASSWORD,
) -> SignedVisit:
    return w.services.records.sign_visit(
        w.actors["dermatologist"],
        patient_id,
        None,
        "initiation",
        data,
        justifications or {},
        patient_signature() if signatures is None else signatures,
        password,
    )


def test_a_blocked_visit_cannot_be_signed(shared_world: World) -> None:
    pid = new_patient(shared_world)
    with pytest.raises(SigningRefused, match="PREGNANCY_TEST_STALE") as caught:
        sign(shared_world, pid, visit(twist=Twist.STALE_PREGNANCY_TEST))
    assert caught.value.codes == ("PREGNANCY_TEST_STALE",)
    assert records_of(shared_world, pid) == []


def test_a_warning_needs_a_typed_justification(shared_world: World) -> None:
    pid = new_patient(shared_world)
    data = visit(twist=Twist.ALT_RAISED)
    for blank in ({}, {WARN: "   "}):
        with pytest.raises(SigningRefused, match=WARN) as caught:
            sign(shared_world, pid, data, justifications=blank)
        assert caught.value.codes == (WARN,)
    assert records_of(shared_world, pid) == []


def test_a_justification_for_a_warning_the_visit_does_not_have_is_refused(
    shared_world: World,
) -> None:
    pid = new_patient(shared_world)
    with pytest.raises(InputError, match="TG_HIGH"):
        sign(shared_world, pid, visit(), justifications={"TG_HIGH": "why not"})


def test_the_record_holds_exactly_the_answers_and_findings(shared_world: World) -> None:
    world = shared_world
    pid = new_patient(world)
    data = visit(twist=Twist.ALT_RAISED)
    catalog = default_catalog()
    expected = evaluate(parse_visit(data, catalog), catalog)
    justification = {WARN: JUSTIFICATIONS[WARN]}
    signed = sign(world, pid, data, justifications={WARN: f"  {JUSTIFICATIONS[WARN]} "})
    derm = world.actors["dermatologist"]
    record = world.services.records.get(derm, signed.record_id)
    assert record.answers == data
    assert record.verdict == "needs-review" == expected.verdict
    assert [f["code"] for f in record.findings] == list(expected.codes()) == [WARN]
    assert [f["message"] for f in record.findings] == [f.message for f in expected.findings]
    assert record.justifications == justification and record.has_justified_warnings
    form = record.payload()["form"]
    assert form["id"] == record.form_id == "initiation" and len(form["hash"]) == 64
    assert record.content_hash == hashlib.sha256(record.content).hexdigest()
    patient_sig, prescriber = record.signatures
    png = demo_signature_png(1)
    assert patient_sig["png_sha256"] == hashlib.sha256(png).hexdigest()
    assert base64.b64decode(patient_sig["png"]) == png
    assert prescriber == {
        "role": "prescriber",
        "name": derm.display_name,
        "user_id": derm.user_id,
        "licence_number": "GMC 2000002",
        "method": "password re-entered",
    }
    assert verify_database(world.services.engine).ok


def test_the_pdf_is_signed_with_the_prescribers_own_certificate(shared_world: World) -> None:
    pid = new_patient(shared_world)
    signed = sign(shared_world, pid, visit())
    pdf = shared_world.services.records.pdf(shared_world.actors["auditor"], signed.record_id)
    assert hashlib.sha256(pdf).hexdigest() == signed.pdf_hash
    status = validate_pdf(pdf, clinic_cert(shared_world.services))
    assert status.valid, status.reason
    prescriber = shared_world.actors["dermatologist"].display_name
    assert f"Common Name: {prescriber}" in status.signer_subject
    assert f"isoface-content-sha256:{signed.content_hash}".encode() in pdf


def test_a_wrong_password_stores_nothing(shared_world: World) -> None:
    pid = new_patient(shared_world)
    with pytest.raises(AuthenticationError):
        sign(shared_world, pid, visit(), password="Not-my-password-1")
    assert records_of(shared_world, pid) == []


def test_signatures_are_required(shared_world: World) -> None:
    pid = new_patient(shared_world)
    with pytest.raises(InputError, match="patient has not signed"):
        sign(shared_world, pid, visit(), signatures=[])
    empty = [SignatureInput("patient", "Zoë Ångström", b"")]
    with pytest.raises(InputError, match="drawn signature"):
        sign(shared_world, pid, visit(), signatures=empty)


START = CourseStart(start_date=VISIT_DAY, product="Isoface 20 mg", strength_mg=20, mg_per_day=40)


@pytest.mark.parametrize("kind", ["follow-up", "end-of-course"])
def test_a_visit_whose_form_asks_no_drawn_signature_is_signed_by_password(
    shared_world: World, kind: str
) -> None:
    w = shared_world
    pid = new_patient(w)
    derm = fresh_user(w, "dermatologist")  # the wrong password below counts against it
    data = visit(kind)
    with pytest.raises(InputError, match="needs an active treatment course"):
        w.services.records.sign_visit(derm, pid, None, kind, data, {}, [], PASSWORD)
    cid = w.services.courses.start(w.first, pid, START).course.id
    with pytest.raises(InputError, match="asks for no signature of the patient"):
        w.services.records.sign_visit(derm, pid, cid, kind, data, {}, patient_signature(),
                                      PASSWORD)  # fmt: skip
    with pytest.raises(AuthenticationError):
        w.services.records.sign_visit(derm, pid, cid, kind, data, {}, [], "Not-my-password-1")
    assert records_of(w, pid) == []
    signed = w.services.records.sign_visit(derm, pid, cid, kind, data, {}, [], PASSWORD)
    record = w.services.records.get(derm, signed.record_id)
    assert record.visit_kind == kind
    assert [(e["role"], e["method"]) for e in record.signatures] == [
        ("prescriber", "password re-entered")
    ]


def test_a_minor_needs_a_guardian_signature(shared_world: World) -> None:
    import dataclasses
    import datetime as dt

    young = dataclasses.replace(example_patient(), birth_date=dt.date(2010, 3, 1))
    pid = shared_world.services.patients.create(shared_world.first, young).id
    data = visit()
    data["patient"]["birth_date"] = "2010-03-01"
    data["second_prescriber"] = "Dr Two"
    with pytest.raises(InputError, match="guardian"):
        sign(shared_world, pid, data)
    both = [*patient_signature(), SignatureInput("guardian", "Parent", demo_signature_png(2))]
    sign(shared_world, pid, data, signatures=both)
    assert len(records_of(shared_world, pid)) == 1


def test_the_visit_must_match_the_patient(shared_world: World) -> None:
    pid = new_patient(shared_world)
    data = visit()
    data["patient"]["birth_date"] = "1999-01-01"
    with pytest.raises(InputError, match="birth_date") as refused:
        sign(shared_world, pid, data)
    assert [p.path for p in refused.value.items] == ["patient.birth_date"]
    with pytest.raises(NotFound):
        sign(shared_world, 999_999, visit())


def test_invalid_input_lists_the_fields(shared_world: World) -> None:
    pid = new_patient(shared_world)
    data = visit()
    data["dose"] = {"mg_per_day": -1, "days_supply": 28, "refills": 0}
    data["surprise"] = True
    with pytest.raises(InputError) as caught:
        sign(shared_world, pid, data)
    text = "\n".join(caught.value.problems)
    assert "dose.mg_per_day" in text and "surprise" in text


def test_a_correction_is_a_new_record_referencing_the_original(shared_world: World) -> None:
    world = shared_world
    pid = new_patient(world)
    derm = world.actors["dermatologist"]
    original = sign(world, pid, visit())
    fixed = visit()
    fixed["patient"]["weight_kg"] = 64.0
    correction = world.services.records.correct_record(
        derm, original.record_id, fixed, {}, patient_signature(), PASSWORD, "weight typo"
    )
    first = world.services.records.get(derm, original.record_id)
    second = world.services.records.get(derm, correction.record_id)
    assert first.answers == visit() and first.corrects_record_id is None
    assert second.answers == fixed and second.corrects_record_id == first.id
    assert second.signatures[-1]["correction_reason"] == "weight typo"
    assert verify_database(world.services.engine).ok
