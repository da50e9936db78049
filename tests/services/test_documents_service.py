"""Stored signed record PDFs opened with real tools, offline verification, audited export.

The records are signed through the services for demo patients named in Latin, Cyrillic,
CJK and Arabic script, and one whose visit carries a justified warning (tests/pdf_world).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from isoface_desk.devtools.demo import DEMO_PASSWORD
from isoface_desk.devtools.demo_documents import demo_checklist
from isoface_desk.documents.checklist_pdf import build_checklist_pdf
from isoface_desk.documents.signing import (
    generate_clinic_certificate,
    load_pem_signer,
    sign_pdf,
    validate_pdf,
)
from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.checklist import Question, visit_dict_to_answers
from isoface_desk.errors import AccessDenied, InputError, NotFound
from isoface_desk.services.bundle import Services
from isoface_desk.services.context import Actor
from isoface_desk.services.visits.documents_service import (
    MODIFIED,
    NO_MATCHING_RECORD,
    SIGNATURE_INVALID,
    UNKNOWN_SIGNER,
    DocumentService,
    write_bytes_atomically,
)
from isoface_desk.services.visits.record_pdf import BLOCK_FIELDS
from isoface_desk.services.visits.visit_checks import form_for
from isoface_desk.storage.audit import events_for_target
from isoface_desk.storage.db import read_scope
from tests.documents.pdftools import all_text, ink_fraction, pdffonts, render, squash
from tests.pdf_world import (
    SCRIPT_NAMES,
    WARNED_NAME,
    PdfWorld,
    build_world,
    clinic_cert,
    genuine_signer,
    world_fixtures,
)

ALL_NAMES = (*SCRIPT_NAMES, WARNED_NAME)


world, services = world_fixtures("documents-service")


@pytest.fixture(scope="module")
def auditor(services: Services) -> Actor:
    return services.auth.login("auditor", DEMO_PASSWORD)


@pytest.fixture(scope="module")
def documents(services: Services) -> DocumentService:
    return DocumentService(services.engine)


def stored_pdf(services: Services, actor: Actor, record_id: int) -> bytes:
    return services.records.pdf(actor, record_id)


def flip(pdf: bytes, at: int) -> bytes:
    changed = bytearray(pdf)
    changed[at] ^= 0x01
    return bytes(changed)


# ------------------------------------------------------------------ the stored PDFs


_CODE_LISTS = {
    "contraception-methods": "methods",
    "potential-reasons": "reasons",
    "conditions": "conditions",
    "allergies": "allergies",
    "excipients": "excipients",
}


def value_words(q: Question, value: Any, catalog: Catalog) -> list[str]:
    """How the answer `value` to question `q` must read, worked out from the form itself."""
    names = {o.value: o.label for o in q.options}
    if q.codes in _CODE_LISTS:
        names |= {k: v.label for k, v in getattr(catalog.codes, _CODE_LISTS[q.codes]).items()}
    if q.type == "bool":
        return ["Yes" if value else "No"]
    if q.type in ("choice", "multi-choice"):
        return [names[str(v)] for v in (value if isinstance(value, list) else [value])]
    if q.type == "records":
        return [
            word
            for row in value
            for sub in q.fields
            if row.get(sub.id) not in (None, "", [])
            for word in value_words(sub, row[sub.id], catalog)
        ]
    return [str(value)]


def expected_answer(q: Question, value: Any, catalog: Catalog) -> list[str]:
    """Words the printed row of question `q` must show."""
    words = value_words(q, value, catalog)
    if q.type == "bool":
        return [f"{q.label} {words[0]}"]  # the answer beside its question
    return [q.label, *words]


@pytest.mark.parametrize("name", ALL_NAMES)
def test_text_has_every_answer_each_finding_and_the_patient_name(
    name: str, world: PdfWorld, services: Services, auditor: Actor
) -> None:
    record = services.records.get(auditor, world.records[name])
    text = all_text(stored_pdf(services, auditor, record.id))
    assert squash(services.patients.get(auditor, record.patient_id).full_name) in text
    catalog = services.records.catalog
    form = form_for(record.visit_kind, catalog)
    answers = visit_dict_to_answers(form, record.answers)
    checked = 0
    for q in form.questions():
        value = answers.get(q.id)
        if value in (None, "", []) or q.type in ("questionnaire", "signature"):
            continue
        if q.field in BLOCK_FIELDS:
            continue
        for words in expected_answer(q, value, catalog):
            assert squash(words) in text, (q.id, words)
        checked += 1
    assert checked >= 10
    for finding in record.findings:
        assert finding["code"] in text and squash(finding["message"]) in text
    for justification in record.justifications.values():
        assert squash(justification) in text
    assert record.content_hash in text


def test_the_justified_warning_is_in_the_record(
    world: PdfWorld, services: Services, auditor: Actor
) -> None:
    record = services.records.get(auditor, world.warned_record)
    assert [f["code"] for f in record.findings] == ["PSYCHIATRIC_HISTORY"]
    assert record.justifications


@pytest.mark.parametrize("name", SCRIPT_NAMES)
def test_only_embedded_fonts(
    name: str, world: PdfWorld, services: Services, auditor: Actor, tmp_path: Path
) -> None:
    rows = pdffonts(stored_pdf(services, auditor, world.records[name]), tmp_path)
    assert rows and all(row["emb"] == "yes" for row in rows), rows


def test_every_page_renders_and_is_not_blank(
    world: PdfWorld, services: Services, auditor: Actor, tmp_path: Path
) -> None:
    pdf = stored_pdf(services, auditor, world.warned_record)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    pngs = render(pdf, tmp_path, dpi=30)
    assert pages >= 2 and len(pngs) == pages
    for png in pngs:
        assert ink_fraction(png) > 0.01, png.name


def test_signature_validates_offline_and_fails_after_one_changed_byte(
    world: PdfWorld, services: Services, auditor: Actor
) -> None:
    pdf = stored_pdf(services, auditor, world.records[SCRIPT_NAMES[0]])
    cert = clinic_cert(services)
    status = validate_pdf(pdf, cert)
    assert status.valid and status.intact, status.reason
    for at in (len(pdf) // 3, len(pdf) // 2, len(pdf) - 40):
        assert not validate_pdf(flip(pdf, at), cert).valid, at


# ------------------------------------------------------------------ verify_pdf


def test_a_stored_record_verifies(
    world: PdfWorld, services: Services, auditor: Actor, documents: DocumentService
) -> None:
    for name in SCRIPT_NAMES:
        result = documents.verify_pdf(stored_pdf(services, auditor, world.records[name]))
        assert result.ok and result.record_id == world.records[name], result.problems
        assert "Isoface Demo Clinic" in result.signer
        assert isinstance(result.signed_at, dt.datetime)


@pytest.mark.parametrize("where", [0.25, 0.5, 0.75, 0.999])
def test_one_changed_byte_anywhere_fails(
    where: float,
    world: PdfWorld,
    services: Services,
    auditor: Actor,
    documents: DocumentService,
) -> None:
    pdf = stored_pdf(services, auditor, world.records[SCRIPT_NAMES[1]])
    result = documents.verify_pdf(flip(pdf, int(len(pdf) * where)))
    assert not result.ok and result.record_id is None
    assert NO_MATCHING_RECORD in result.kinds()
    assert {MODIFIED, SIGNATURE_INVALID} & set(result.kinds()), result.problems


def test_a_change_in_the_signed_content_is_reported_as_modified(
    world: PdfWorld, services: Services, auditor: Actor, documents: DocumentService
) -> None:
    pdf = stored_pdf(services, auditor, world.records[SCRIPT_NAMES[2]])
    result = documents.verify_pdf(flip(pdf, len(pdf) // 3))
    assert result.kinds() == [MODIFIED, NO_MATCHING_RECORD]


def test_bytes_added_after_signing_are_reported_as_modified(
    world: PdfWorld, services: Services, auditor: Actor, documents: DocumentService
) -> None:
    pdf = stored_pdf(services, auditor, world.records[SCRIPT_NAMES[3]])
    result = documents.verify_pdf(pdf + b"\n% appended\n")
    assert not result.ok
    assert NO_MATCHING_RECORD in result.kinds()


def test_a_pdf_signed_by_another_certificate_is_an_unknown_signer(
    documents: DocumentService,
) -> None:
    other = load_pem_signer(*generate_clinic_certificate("Another Clinic"))
    pdf = sign_pdf(build_checklist_pdf(demo_checklist("initiation")), other)
    result = documents.verify_pdf(pdf)
    assert result.kinds() == [UNKNOWN_SIGNER, NO_MATCHING_RECORD]
    assert "Another Clinic" in result.signer


def test_a_clinic_signed_pdf_that_is_not_stored_has_no_matching_record(
    services: Services, documents: DocumentService
) -> None:
    signer = genuine_signer(services)
    pdf = sign_pdf(build_checklist_pdf(demo_checklist("follow-up")), signer)
    result = documents.verify_pdf(pdf)
    assert result.kinds() == [NO_MATCHING_RECORD] and result.record_id is None


def test_an_unsigned_pdf_has_an_invalid_signature(documents: DocumentService) -> None:
    result = documents.verify_pdf(build_checklist_pdf(demo_checklist("end-of-course")))
    assert result.kinds() == [SIGNATURE_INVALID, NO_MATCHING_RECORD]
    assert "no digital signature" in result.problems[0].detail


# ------------------------------------------------------------------ export_pdf


def export_events(services: Services, record_id: int) -> list[str]:
    with read_scope(services.engine) as session:
        events = events_for_target(session, "record", record_id)
    return [e.actor for e in events if e.action == "export"]


def test_export_writes_the_stored_bytes_and_is_audited(
    world: PdfWorld,
    services: Services,
    auditor: Actor,
    documents: DocumentService,
    tmp_path: Path,
) -> None:
    rid = world.records[SCRIPT_NAMES[0]]
    before = export_events(services, rid)
    out = tmp_path / "record.pdf"
    exported = documents.export_pdf(auditor, rid, out)
    assert out.read_bytes() == stored_pdf(services, auditor, rid)
    assert exported.record_id == rid and exported.size == out.stat().st_size
    assert export_events(services, rid) == [*before, "auditor"]
    assert documents.verify_pdf(out.read_bytes()).record_id == rid
    assert sorted(p.name for p in tmp_path.iterdir()) == ["record.pdf"]


def test_export_latest_and_replace_an_existing_file(
    world: PdfWorld, services: Services, documents: DocumentService, tmp_path: Path
) -> None:
    derm = services.auth.login("derm", DEMO_PASSWORD)
    out = tmp_path / "latest.pdf"
    out.write_bytes(b"old content")
    with pytest.raises(InputError, match="already exists"):  # replaced only when asked to
        documents.export_pdf(derm, None, out)
    assert out.read_bytes() == b"old content"
    exported = documents.export_pdf(derm, None, out, force=True)
    assert exported.record_id == max(world.records.values())
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size == exported.size


def test_a_nurse_may_not_export(
    world: PdfWorld, services: Services, documents: DocumentService, tmp_path: Path
) -> None:
    nurse = services.auth.login("nurse", DEMO_PASSWORD)
    rid = world.records[SCRIPT_NAMES[1]]
    before = export_events(services, rid)
    with pytest.raises(AccessDenied, match=r"record\.export"):
        documents.export_pdf(nurse, rid, tmp_path / "no.pdf")
    assert list(tmp_path.iterdir()) == [] and export_events(services, rid) == before


def test_export_refuses_unknown_records_and_missing_folders(
    services: Services, auditor: Actor, documents: DocumentService, tmp_path: Path
) -> None:
    with pytest.raises(NotFound):
        documents.export_pdf(auditor, 9999, tmp_path / "x.pdf")
    with pytest.raises(InputError, match="does not exist"):
        documents.export_pdf(auditor, 1, tmp_path / "missing" / "x.pdf")
    with pytest.raises(InputError, match="is a folder"):
        documents.export_pdf(auditor, 1, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "record.pdf"
    out.write_bytes(b"old")

    def crash(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(InputError, match="No space left"):
        write_bytes_atomically(out, b"%PDF-new", force=True)
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["record.pdf"]


@pytest.mark.slow
def test_export_and_verify_on_each_backend(db_url: str, tmp_path: Path) -> None:
    """The same round trip on SQLite and, with ISOFACE_TEST_PG_URL, on PostgreSQL."""
    from isoface_desk.services.bundle import open_services

    records = build_world(db_url, count=1)
    services = open_services(db_url, migrate=False)
    try:
        derm = services.auth.login("derm", DEMO_PASSWORD)
        documents = DocumentService(services.engine)
        exported = documents.export_pdf(derm, None, tmp_path / "r.pdf")
        assert exported.record_id == next(iter(records.values()))
        pdf = exported.path.read_bytes()
        assert documents.verify_pdf(pdf).ok
        assert not documents.verify_pdf(flip(pdf, len(pdf) // 2)).ok
    finally:
        services.close()
