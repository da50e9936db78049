"""The auditor's workspace and reports: filters, keyset pages, a record opened as stored with
its hashes, signature and trail, audit events for search/view/print/export/verify, the
in-app verification naming each kind of tampering, and CSV/PDF exports holding exactly what
the filter selected (read back with csv and pypdf)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from isoface_desk.devtools.demo_visits import JUSTIFICATIONS, Twist
from isoface_desk.errors import AccessDenied, InputError
from isoface_desk.services.audit.audit_review import AuditReviewService, RecordFilter
from isoface_desk.services.audit.reports import CSV_COLUMNS, ReportService, safe_cell
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.context import Actor
from isoface_desk.services.visits.records import SigningRefused
from isoface_desk.storage.audit import recent_events
from isoface_desk.storage.db import read_scope
from tests.services.conftest import PASSWORD, World, example_patient, patient_signature, visit

DAY = dt.date(2026, 11, 19)
ITEM9_ACTION = '=HYPERLINK("x") risk assessed; crisis line given; GP informed same day'


@dataclass(frozen=True)
class Records:
    clear: int  # dermatologist-user, 2026-11-19, clear
    warned: int  # first, 2026-10-01, ALT justified
    item9: int  # dermatologist-user, 2026-09-15, PHQ-9 item 9 with an action
    patient_id: int  # of `item9`
    clinic_number: str


def _sign(w: World, actor: Actor, day: dt.date, twist: Twist = Twist.NONE, **extra: object
          ) -> tuple[int, int, str]:  # fmt: skip
    data = example_patient()
    patient = w.services.patients.create(w.first, data)
    answers = visit(day=day, twist=twist)
    answers.update(extra)
    justifications = {}
    if twist is Twist.ALT_RAISED:
        justifications["LIVER_ENZYMES_HIGH"] = JUSTIFICATIONS["LIVER_ENZYMES_HIGH"]
    if extra.get("phq9_action"):
        justifications["PHQ9_SELF_HARM"] = "Item 9 answered 1: risk assessed, low risk, plan made."
    signed = w.services.records.sign_visit(
        actor, patient.id, None, "initiation", answers, justifications, patient_signature(),
        PASSWORD,
    )  # fmt: skip
    return signed.record_id, patient.id, data.clinic_number


@pytest.fixture(scope="module")
def recs(shared_world: World) -> Records:
    w = shared_world
    derm = w.actors["dermatologist"]
    clear, _, _ = _sign(w, derm, DAY)
    warned, _, _ = _sign(w, w.first, dt.date(2026, 10, 1), Twist.ALT_RAISED)
    phq9 = [1, 0, 1, 1, 0, 0, 0, 0, 1]
    item9, patient_id, number = _sign(w, derm, dt.date(2026, 9, 15), phq9=phq9,
                                      phq9_action=ITEM9_ACTION)  # fmt: skip
    return Records(clear, warned, item9, patient_id, number)


@pytest.fixture(scope="module")
def review(shared_world: World) -> AuditReviewService:
    return AuditReviewService(shared_world.services.engine, now=shared_world.clock)


@pytest.fixture(scope="module")
def reports(shared_world: World) -> ReportService:
    return ReportService(shared_world.services.engine, now=shared_world.clock)


def ids(review: AuditReviewService, actor: Actor, flt: RecordFilter) -> list[int]:
    return [item.id for item in review.search(actor, flt, limit=1000).items]


def last_event(w: World) -> tuple[str, str, str, dict[str, object]]:
    with read_scope(w.services.engine) as session:
        event = recent_events(session, 1)[0]
    return event.actor, event.action, event.target_id, event.details


def test_each_filter_selects_its_records(
    shared_world: World, recs: Records, review: AuditReviewService
) -> None:
    auditor, w = shared_world.actors["auditor"], shared_world
    mine = {recs.clear, recs.warned, recs.item9}
    everything = set(ids(review, auditor, RecordFilter()))
    assert mine <= everything
    autumn = RecordFilter(date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 10, 31))
    assert mine & set(ids(review, auditor, autumn)) == {recs.warned, recs.item9}
    by_first = RecordFilter(prescriber_id=w.first.user_id)
    assert mine & set(ids(review, auditor, by_first)) == {recs.warned}
    assert ids(review, auditor, RecordFilter(patient_id=recs.patient_id)) == [recs.item9]
    justified = set(ids(review, auditor, RecordFilter(has_justified_warnings=True)))
    assert mine & justified == {recs.warned, recs.item9}
    assert mine & set(ids(review, auditor, RecordFilter(verdict="clear"))) == {recs.clear}
    assert mine & set(ids(review, auditor, RecordFilter(visit_kind="initiation"))) == mine
    assert not ids(review, auditor, RecordFilter(visit_kind="end-of-course"))
    profile = review.search(auditor, RecordFilter(patient_id=recs.patient_id)).items[0].profile_id
    assert recs.item9 in ids(review, auditor, RecordFilter(profile_id=profile))
    assert not ids(review, auditor, RecordFilter(profile_id="no-such-profile"))
    assert review.find_patient(auditor, recs.clinic_number) == recs.patient_id
    assert review.count(auditor, RecordFilter(patient_id=recs.patient_id)) == 1


def test_pages_follow_each_other_newest_first(
    shared_world: World, recs: Records, review: AuditReviewService
) -> None:
    auditor = shared_world.actors["auditor"]
    seen = []
    page = review.search(auditor, RecordFilter(), limit=1)
    while True:
        seen += [(item.visit_date, item.id) for item in page.items]
        if page.next_cursor is None:
            break
        page = review.search(auditor, RecordFilter(), after=page.next_cursor, limit=1)
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen))
    assert review.count(auditor, RecordFilter()) == len(seen)
    assert review.count(auditor, RecordFilter(), cap=2) == 2


def test_a_list_row_names_patient_and_prescriber(
    shared_world: World, recs: Records, review: AuditReviewService
) -> None:
    item = review.search(shared_world.actors["auditor"], RecordFilter(patient_id=recs.patient_id))
    row = item.items[0]
    assert (row.patient_name, row.clinic_number) == ("Zoë Ångström", recs.clinic_number)
    assert row.prescriber_name == "Dermatologist User" and row.has_justified_warnings


def test_a_bad_date_range_is_refused(shared_world: World, review: AuditReviewService) -> None:
    with pytest.raises(InputError, match="after"):
        review.search(shared_world.actors["auditor"],
                      RecordFilter(date_from=DAY, date_to=DAY - dt.timedelta(days=1)))  # fmt: skip


def test_a_new_search_is_audited_and_its_next_pages_are_not(
    shared_world: World, recs: Records, review: AuditReviewService
) -> None:
    auditor = shared_world.actors["auditor"]
    flt = RecordFilter(visit_kind="initiation", date_to=DAY)
    page = review.search(auditor, flt, limit=1)
    actor, action, _, details = last_event(shared_world)
    assert (actor, action) == ("auditor-user", "search")
    assert details["filter"] == {"visit_kind": "initiation", "date_to": DAY.isoformat()}
    with read_scope(shared_world.services.engine) as session:
        head = recent_events(session, 1)[0].seq
    assert page.next_cursor is not None
    review.search(auditor, flt, after=page.next_cursor, limit=1)
    with read_scope(shared_world.services.engine) as session:
        assert recent_events(session, 1)[0].seq == head


def test_an_opened_record_is_the_stored_pdf_with_its_checks_and_trail(
    shared_world: World, recs: Records, review: AuditReviewService
) -> None:
    w, auditor = shared_world, shared_world.actors["auditor"]
    derm = w.actors["dermatologist"]
    w.services.records.pdf(derm, recs.warned, purpose="print")
    stored = w.services.records.pdf(w.first, recs.warned, purpose="export")
    opened = review.open_record(auditor, recs.warned)
    assert opened.pdf == stored and opened.content_hash_ok and opened.pdf_hash_ok
    assert opened.verification is not None and opened.verification.ok
    assert opened.signature_text.startswith("Valid signature by")
    assert opened.justifications == {"LIVER_ENZYMES_HIGH": JUSTIFICATIONS["LIVER_ENZYMES_HIGH"]}
    trail = [(e.actor, e.action) for e in opened.trail]
    assert trail[0] == ("first", "sign")
    assert ("dermatologist-user", "print") in trail and ("first", "export") in trail
    assert trail[-1] == ("auditor-user", "view")  # opening it is itself on the trail
    assert [(e.actor, e.action) for e in review.trail(auditor, recs.warned)] == trail


@pytest.mark.parametrize("role", ["dermatologist", "nurse", "admin"])
def test_only_the_auditor_reviews_and_reports(
    shared_world: World, recs: Records, review: AuditReviewService, reports: ReportService,
    role: str, tmp_path: Path,
) -> None:  # fmt: skip
    actor = shared_world.actors[role]
    calls = (
        lambda: review.search(actor, RecordFilter()),
        lambda: review.open_record(actor, recs.clear),
        lambda: review.trail(actor, recs.clear),
        lambda: reports.export(actor, RecordFilter(), tmp_path / "r.csv", "csv"),
    )
    for call in calls:
        with pytest.raises(AccessDenied):
            call()
    assert not (tmp_path / "r.csv").exists()


def test_verify_in_the_app_is_audited(shared_world: World, review: AuditReviewService) -> None:
    seen: list[tuple[int, int]] = []
    report = review.verify(shared_world.actors["admin"], lambda d, t: seen.append((d, t)))
    assert report.ok and seen[-1][0] == seen[-1][1]
    actor, action, _, details = last_event(shared_world)
    assert (actor, action, details["problems"]) == ("admin-user", "verify", 0)
    assert details["records"] == report.records


def test_verify_stops_when_cancelled(shared_world: World, review: AuditReviewService) -> None:
    report = review.verify(shared_world.actors["auditor"], should_cancel=lambda: True)
    assert report.cancelled and not report.ok


# ---------------------------------------------------------------- reports


def test_csv_holds_exactly_the_filtered_records(
    shared_world: World, recs: Records, reports: ReportService, tmp_path: Path
) -> None:
    auditor = shared_world.actors["auditor"]
    flt = RecordFilter(date_from=dt.date(2026, 9, 1), date_to=dt.date(2026, 10, 31))
    done = reports.export(auditor, flt, tmp_path / "autumn.csv", "csv")
    rows = list(csv.DictReader(io.StringIO(done.path.read_text("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert {int(r["record_id"]) for r in rows} == {recs.warned, recs.item9} and done.records == 2
    item9 = next(r for r in rows if int(r["record_id"]) == recs.item9)
    assert item9["phq9_item9"] == "1" and item9["clinic_number"] == recs.clinic_number
    assert item9["phq9_action"] == "'" + ITEM9_ACTION  # never a formula in a spreadsheet
    assert "Zoë" not in done.path.read_text("utf-8-sig")  # no names in the CSV
    warned = next(r for r in rows if int(r["record_id"]) == recs.warned)
    assert warned["warnings_justified"] == "LIVER_ENZYMES_HIGH"
    actor, action, _, details = last_event(shared_world)
    assert (actor, action, details["records"], details["format"]) == (
        "auditor-user", "export", 2, "csv")  # fmt: skip
    assert details["sha256"] == done.sha256


def test_pdf_summary_holds_what_the_filter_selected(
    shared_world: World, recs: Records, reports: ReportService, tmp_path: Path
) -> None:
    w, auditor = shared_world, shared_world.actors["auditor"]
    derm = w.actors["dermatologist"]
    patient = w.services.patients.create(w.first, example_patient())
    with pytest.raises(SigningRefused):  # a block met: recorded, then counted by the report
        w.services.records.sign_visit(derm, patient.id, None, "initiation",
                                      visit(day=DAY, twist=Twist.STALE_PREGNANCY_TEST), {},
                                      patient_signature(), PASSWORD)  # fmt: skip
    start = CourseStart(start_date=dt.date(2026, 6, 1), product="Isoface 20 mg", strength_mg=20,
                        mg_per_day=40)  # fmt: skip
    w.services.courses.start(derm, patient.id, start)
    flt = RecordFilter(date_from=dt.date(2026, 9, 1), date_to=DAY, prescriber_id=derm.user_id)
    done = reports.export(auditor, flt, tmp_path / "summary.pdf", "pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(done.path).pages)
    assert "Audit summary" in text and "Dermatologist User" in text
    assert "2026-09" in text and "2026-11" in text
    assert "Item 9 answered 1: risk assessed" in text  # the PHQ9_SELF_HARM justification
    assert "risk assessed; crisis line given" in text  # the action recorded
    assert "PREGNANCY_TEST_STALE" in text  # the block met
    assert "LIVER_ENZYMES_HIGH" not in text  # Dr First's record is not selected
    assert "No pregnancy test is overdue" not in text  # the course's tests are overdue
    assert done.records == 2


def test_an_export_needs_a_known_format_and_an_existing_folder(
    shared_world: World, reports: ReportService, tmp_path: Path
) -> None:
    auditor = shared_world.actors["auditor"]
    with pytest.raises(InputError, match="format"):
        reports.export(auditor, RecordFilter(), tmp_path / "r.xls", "xls")
    with pytest.raises(InputError, match="does not exist"):
        reports.export(auditor, RecordFilter(), tmp_path / "missing" / "r.csv", "csv")


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
     ("\tx", "'\tx"), ("plain", "plain"), (12, "12"), (None, "")],
)  # fmt: skip
def test_csv_cells_never_start_a_formula(value: object, cell: str) -> None:
    assert safe_cell(value) == cell
