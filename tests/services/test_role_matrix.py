"""Access control everywhere (issue 7): every public method of every service, every role.

tests/services/test_roles.py covers the services of the bundle; this module adds every
other service (audit review, reports, backups, documents, lab work, timeline, visit start)
and then checks that NO public service method is left out: a new method fails
`test_every_public_service_method_is_in_the_matrix` until it gets a case here or in
test_roles.py, or a reason in EXEMPT. It also checks that an auditor changes nothing
through any service it may call, that reading, printing and exporting patient data is an
audit event, and that the README's role table is the one the services enforce.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import inspect
import pkgutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy import inspect as sa_inspect

import isoface_desk.services as services_pkg
from isoface_desk.domain.lab_results import ResultEntry
from isoface_desk.errors import AccessDenied, StorageError
from isoface_desk.services.access.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    role_matrix_markdown,
)
from isoface_desk.services.audit.audit_review import AuditReviewService, RecordFilter
from isoface_desk.services.audit.checkpoints import CheckpointService
from isoface_desk.services.audit.reports import ReportService
from isoface_desk.services.bundle import Services
from isoface_desk.services.care.courses import CourseStart
from isoface_desk.services.care.timeline import TimelineService
from isoface_desk.services.clinic.backup import BackupService
from isoface_desk.services.context import Actor, ServiceBase
from isoface_desk.services.labs.lab_export import LabExportService
from isoface_desk.services.labs.lab_import import LabImportService
from isoface_desk.services.labs.lab_printing import LabPrintService
from isoface_desk.services.labs.lab_results import LabResultService
from isoface_desk.services.labs.lab_work import LabWorkService
from isoface_desk.services.visits.documents_service import DocumentService
from isoface_desk.services.visits.visit_preview import VisitPreviewService
from isoface_desk.services.visits.visit_start import VisitStartService
from isoface_desk.storage.audit import chain_head, recent_events
from isoface_desk.storage.db import read_scope
from isoface_desk.storage.models import Base as ModelBase
from isoface_desk.storage.repositories import patients as patients_repo
from tests.services import test_roles
from tests.services.conftest import (
    PASSWORD,
    ROLES,
    VISIT_DAY,
    World,
    example_patient,
    patient_signature,
    visit,
)

P = Permission
README = Path(__file__).resolve().parents[2] / "README.md"
Call = Callable[[Actor], object]
START = CourseStart(start_date=dt.date(2026, 6, 1), product="Isoface 20 mg", strength_mg=20,
                    mg_per_day=40)  # fmt: skip

#: Public methods that take no signed-in person, and why that is right.
EXEMPT: dict[str, str] = {
    "AuthService.login": "signing in: there is no actor yet",
    "AuthService.confirm_password": "checks the actor's own password, nothing else",
    "AuthService.sign_out": "forgets the actor's own unlocked key, reads and writes nothing",
    "AuthService.change_own_password": "changes only the signed-in person's own password",
    "AuthService.idle_lock_minutes": "read by the sign-in screen before anyone signs in",
    "SetupService.needs_setup": "first run, before any user exists",
    "SetupService.complete_setup": "first run only: refused once a clinic exists",
    "DocumentService.verify_pdf": "no login by design: hashes and ids, no patient data",
    "BackupService.daily_folder": "the app's daily backup, run by no person",
    "BackupService.daily_due": "the app's daily backup, run by no person",
    "BackupService.run_daily_if_due": "the app's daily backup, audited as 'daily backup'",
}


@dataclass
class Ctx:
    w: World
    patient_id: int
    course_id: int
    record_id: int
    tmp: Path

    @property
    def engine(self) -> Engine:
        return self.w.services.engine

    def out(self, suffix: str) -> Path:
        return self.tmp / f"{uuid.uuid4().hex[:8]}{suffix}"

    def order(self) -> tuple[int, list[str]]:
        """A planned lab order of a new course (each case gets its own)."""
        s, first = self.w.services, self.w.first
        patient_id = s.patients.create(first, example_patient()).id
        s.courses.start(first, patient_id, START)
        order = next(o for o in s.orders.for_patient(first, patient_id) if o.status == "planned")
        return order.id, [str(t) for t in order.tests]

    def order_id(self) -> int:
        return self.order()[0]


@pytest.fixture(scope="module")
def ctx(shared_world: World, tmp_path_factory: pytest.TempPathFactory) -> Ctx:
    s, first = shared_world.services, shared_world.first
    patient = s.patients.create(first, example_patient())
    course = s.courses.start(first, patient.id, START).course
    signed = s.records.sign_visit(first, patient.id, course.id, "initiation", visit(), {},
                                  patient_signature(), PASSWORD)  # fmt: skip
    return Ctx(shared_world, patient.id, course.id, signed.record_id,
               tmp_path_factory.mktemp("matrix"))  # fmt: skip


def _clinic_number(c: Ctx) -> str:
    with read_scope(c.engine) as session:
        return patients_repo.get_patient(session, c.patient_id).clinic_number


def review(c: Ctx) -> AuditReviewService:
    return AuditReviewService(c.engine, now=c.w.clock)


def _backup(c: Ctx, a: Actor) -> object:
    try:
        return BackupService(c.engine, now=c.w.clock).backup_now(a, c.out(".sqlite3"))
    except StorageError as exc:  # PostgreSQL: allowed, but done with pg_dump
        assert "pg_dump" in str(exc)
        return None


def _encrypted_copy(c: Ctx, a: Actor) -> object:
    try:
        backups = BackupService(c.engine, now=c.w.clock)
        return backups.encrypted_copy(a, c.out(".sqlite3"), "a long enough passphrase")
    except StorageError as exc:  # PostgreSQL, or no sqlcipher3: allowed, not possible here
        assert "pg_dump" in str(exc) or "sqlcipher3" in str(exc)
        return None


def _entry(test: str) -> ResultEntry:
    if test == "HCG":
        return ResultEntry(test, VISIT_DAY, "negative")
    if test in ("ALT", "AST"):
        return ResultEntry(test, VISIT_DAY, 20.0, "U/L", 40.0)
    return ResultEntry(test, VISIT_DAY, 1.2, "mmol/L")


def _result(c: Ctx) -> Call:
    order_id, tests = c.order()
    entries = [_entry(t) for t in tests]
    return lambda a: LabResultService(c.engine, now=c.w.clock).record(a, order_id, entries)


def _import(c: Ctx) -> Call:
    order_id, tests = c.order()
    lines = ["order,test,value,unit,uln,date"]
    for entry in (_entry(t) for t in tests):
        value = entry.value if isinstance(entry.value, str) else f"{entry.value:g}"
        uln = "" if entry.uln is None else f"{entry.uln:g}"
        lines.append(f"{order_id},{entry.test},{value},{entry.unit},{uln},{entry.result_date}")
    path = c.out(".csv")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lambda a: LabImportService(c.engine, now=c.w.clock).import_file(a, path)


Prepare = Callable[[Ctx], Call]


def simple(make: Callable[[Ctx, Actor], object]) -> Prepare:
    return lambda c: lambda a: make(c, a)


def with_order(make: Callable[[Ctx, Actor, int], object]) -> Prepare:
    """A case on a planned order made beforehand (as the setup's user)."""

    def prepare(c: Ctx) -> Call:
        order_id = c.order_id()
        return lambda a: make(c, a, order_id)

    return prepare


CASES: dict[str, tuple[Permission, Prepare]] = {
    "AuditReviewService.people": (P.AUDIT_READ, simple(lambda c, a: review(c).people(a))),
    "AuditReviewService.find_patient": (
        P.AUDIT_READ, simple(lambda c, a: review(c).find_patient(a, "C-none"))),
    "AuditReviewService.search": (
        P.AUDIT_READ, simple(lambda c, a: review(c).search(a, RecordFilter()))),
    "AuditReviewService.count": (
        P.AUDIT_READ, simple(lambda c, a: review(c).count(a, RecordFilter()))),
    "AuditReviewService.open_record": (
        P.AUDIT_READ, simple(lambda c, a: review(c).open_record(a, c.record_id))),
    "AuditReviewService.trail": (
        P.AUDIT_READ, simple(lambda c, a: review(c).trail(a, c.record_id))),
    "AuditReviewService.recent_events": (
        P.AUDIT_READ, simple(lambda c, a: review(c).recent_events(a))),
    "AuditReviewService.verify": (P.INTEGRITY_VERIFY, simple(lambda c, a: review(c).verify(a))),
    "CheckpointService.make": (P.INTEGRITY_VERIFY, simple(
        lambda c, a: CheckpointService(c.engine, now=c.w.clock).make(a, c.tmp))),
    "ReportService.summary": (P.AUDIT_READ, simple(
        lambda c, a: ReportService(c.engine, now=c.w.clock).summary(a, RecordFilter()))),
    "ReportService.export": (P.AUDIT_READ, simple(
        lambda c, a: ReportService(c.engine, now=c.w.clock).export(a, RecordFilter(),
                                                                   c.out(".csv"), "csv"))),
    "BackupService.backup_now": (P.SETTINGS_MANAGE, simple(_backup)),
    "BackupService.encrypted_copy": (P.SETTINGS_MANAGE, simple(_encrypted_copy)),
    "BackupService.set_daily_folder": (P.SETTINGS_MANAGE, simple(
        lambda c, a: BackupService(c.engine, now=c.w.clock).set_daily_folder(a, c.tmp))),
    "DocumentService.export_pdf": (P.RECORD_EXPORT, simple(
        lambda c, a: DocumentService(c.engine, now=c.w.clock).export_pdf(a, c.record_id,
                                                                         c.out(".pdf")))),
    "LabExportService.export_to_file": (P.ORDER_READ, simple(
        lambda c, a: LabExportService(c.engine, now=c.w.clock).export_to_file(a,
                                                                              c.out(".json")))),
    "LabPrintService.prepare": (P.ORDER_WRITE, with_order(
        lambda c, a, o: LabPrintService(c.engine, now=c.w.clock).prepare(a, [o]))),
    "LabPrintService.print_to_file": (P.ORDER_WRITE, with_order(
        lambda c, a, o: LabPrintService(c.engine, now=c.w.clock).print_to_file(
            a, [o], c.out(".pdf")))),
    "LabPrintService.run_job": (P.ORDER_WRITE, with_order(
        lambda c, a, o: LabPrintService(c.engine, now=c.w.clock).run_job(
            a, [o], lambda _pdf: True, destination="the printer"))),
    "LabResultService.lab_params": (P.ORDER_READ, simple(
        lambda c, a: LabResultService(c.engine, now=c.w.clock).lab_params(a, VISIT_DAY))),
    "LabResultService.record": (P.ORDER_WRITE, _result),
    "LabImportService.import_file": (P.ORDER_WRITE, _import),
    "LabWorkService.due_list": (P.ORDER_READ, simple(
        lambda c, a: LabWorkService(c.engine, now=c.w.clock).due_list(a))),
    "LabWorkService.regenerate_all": (P.ORDER_WRITE, simple(
        lambda c, a: LabWorkService(c.engine, now=c.w.clock).regenerate_all(a))),
    "LabWorkService.mark_collected": (P.ORDER_WRITE, simple(
        lambda c, a: LabWorkService(c.engine, now=c.w.clock).mark_collected(a, []))),
    "TimelineService.for_patient": (P.PATIENT_READ, simple(
        lambda c, a: TimelineService(c.engine, now=c.w.clock).for_patient(a, c.patient_id))),
    "VisitStartService.prepare": (P.DRAFT_WRITE, simple(
        lambda c, a: VisitStartService(c.engine, now=c.w.clock).prepare(a, c.patient_id,
                                                                        "follow-up"))),
    "VisitStartService.prepare_correction": (P.RECORD_SIGN, simple(
        lambda c, a: VisitStartService(c.engine, now=c.w.clock).prepare_correction(
            a, c.record_id))),
    "VisitPreviewService.prefill": (P.DRAFT_WRITE, simple(
        lambda c, a: VisitPreviewService(c.engine, now=c.w.clock).prefill(
            a, _clinic_number(c), "follow-up"))),
}  # fmt: skip


def _head(c: Ctx) -> tuple[int, str]:
    with read_scope(c.engine) as session:
        return chain_head(session)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_other_service_method_with_every_role(ctx: Ctx, case: str, role: str) -> None:
    permission, prepare = CASES[case]
    call = prepare(ctx)
    actor = ctx.w.actors[role]
    before = _head(ctx)
    if permission in ROLE_PERMISSIONS[role]:
        call(actor)
    else:
        with pytest.raises(AccessDenied):
            call(actor)
        assert _head(ctx) == before, "a refused action wrote to the audit chain"


def _bundle_classes() -> dict[str, str]:
    """Services bundle attribute -> the class name of that service."""
    hints = inspect.get_annotations(Services, eval_str=True)
    return {name: kind.__name__ for name, kind in hints.items() if isinstance(kind, type)}


def _public_methods() -> set[str]:
    found = set()
    for module_info in pkgutil.walk_packages(services_pkg.__path__, "isoface_desk.services."):
        module = importlib.import_module(module_info.name)
        for cls in vars(module).values():
            if (inspect.isclass(cls) and issubclass(cls, ServiceBase) and cls is not ServiceBase
                    and cls.__module__ == module.__name__):  # fmt: skip
                for name, _ in inspect.getmembers(cls, inspect.isfunction):
                    if not name.startswith("_") and name != "today":
                        found.add(f"{cls.__name__}.{name}")
    return found


def test_every_public_service_method_is_in_the_matrix() -> None:
    bundle = _bundle_classes()
    covered = set(CASES) | set(EXEMPT)
    for key in test_roles.CASES:
        attribute, method = key.split("(")[0].split(".")
        covered.add(f"{bundle[attribute]}.{method}")
    missing = sorted(_public_methods() - covered)
    assert not missing, f"service methods with no role-matrix case: {missing}"
    assert not sorted(covered - _public_methods()), "cases for methods that no longer exist"


def test_every_permission_is_exercised_by_some_case() -> None:
    used = {p for p, _ in CASES.values()} | {p for p, _ in test_roles.CASES.values()}
    assert used == set(Permission)


# ------------------------------------------------------------- least privilege


def _snapshot(engine: Engine) -> str:
    """A digest of every table but the audit chain (what 'changing something' means)."""
    digest = hashlib.sha256()
    with engine.connect() as conn:
        names = sorted(sa_inspect(conn).get_table_names())
        for name in names:
            if name in ("audit_event", "alembic_version"):
                continue
            table = ModelBase.metadata.tables.get(name)
            order = ", ".join(c.name for c in table.primary_key) if table is not None else "1"
            for row in conn.execute(text(f"SELECT * FROM {name} ORDER BY {order}")):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_an_auditor_changes_nothing_through_any_service(ctx: Ctx) -> None:
    auditor = ctx.w.actors["auditor"]
    assert ROLE_PERMISSIONS["auditor"] <= {P.PATIENT_READ, P.COURSE_READ, P.RECORD_READ,
                                          P.RECORD_EXPORT, P.ORDER_READ, P.AUDIT_READ,
                                          P.INTEGRITY_VERIFY}  # fmt: skip
    everything = [(k, p, prep(ctx)) for k, (p, prep) in CASES.items()]
    everything += [(k, p, prep(ctx.w, test_roles.Base(ctx.patient_id, ctx.course_id,
                                                      ctx.record_id)))
                   for k, (p, prep) in test_roles.CASES.items()]  # fmt: skip
    before = _snapshot(ctx.engine)
    for key, permission, call in everything:
        if permission in ROLE_PERMISSIONS["auditor"]:
            call(auditor)
        else:
            with pytest.raises(AccessDenied):
                call(auditor)
        assert _snapshot(ctx.engine) == before, f"{key} changed data for an auditor"


def test_a_nurse_may_not_export_a_signed_pdf(ctx: Ctx) -> None:
    documents = DocumentService(ctx.engine, now=ctx.w.clock)
    out = ctx.out(".pdf")
    with pytest.raises(AccessDenied, match=r"record\.export"):
        documents.export_pdf(ctx.w.actors["nurse"], ctx.record_id, out)
    with pytest.raises(AccessDenied):
        ctx.w.services.records.pdf(ctx.w.actors["nurse"], ctx.record_id)
    assert not out.exists()


def test_an_administrator_signs_only_when_also_a_dermatologist(ctx: Ctx) -> None:
    s = ctx.w.services
    admin = ctx.w.actors["admin"]
    patient_id = s.patients.create(ctx.w.first, example_patient()).id
    with pytest.raises(AccessDenied, match=r"record\.sign"):
        s.records.sign_visit(admin, patient_id, None, "initiation", visit(), {},
                             patient_signature(), PASSWORD)  # fmt: skip
    assert ctx.w.first.roles == {"admin", "dermatologist"}
    s.records.sign_visit(ctx.w.first, patient_id, None, "initiation", visit(), {},
                         patient_signature(), PASSWORD)  # fmt: skip


# ------------------------------------------------------------- reads are audited

#: Every way patient data is viewed, printed or exported, and the action it records.
AUDITED: dict[str, tuple[str, Callable[[Ctx], Call]]] = {
    "records.get": ("view", lambda c: lambda a: c.w.services.records.get(a, c.record_id)),
    "records.pdf(view)": ("view", lambda c: lambda a: c.w.services.records.pdf(a, c.record_id)),
    "records.pdf(print)": ("print", lambda c: lambda a: c.w.services.records.pdf(
        a, c.record_id, purpose="print")),
    "records.pdf(export)": ("export", lambda c: lambda a: c.w.services.records.pdf(
        a, c.record_id, purpose="export")),
    "patients.get": ("view", lambda c: lambda a: c.w.services.patients.get(a, c.patient_id)),
    **{key: (action, CASES[key][1]) for key, action in (
        ("DocumentService.export_pdf", "export"), ("AuditReviewService.open_record", "view"),
        ("AuditReviewService.search", "search"), ("ReportService.export", "export"),
        ("LabExportService.export_to_file", "export"), ("TimelineService.for_patient", "view"),
    )},
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(AUDITED))
def test_viewing_printing_and_exporting_patient_data_is_audited(ctx: Ctx, case: str) -> None:
    action, prepare = AUDITED[case]
    call = prepare(ctx)
    role = "auditor" if ctx.w.actors["auditor"].may(_permission_of(case)) else "dermatologist"
    actor = ctx.w.actors[role]
    call(actor)
    with read_scope(ctx.engine) as session:
        newest = recent_events(session, 1)[0]
    assert (newest.actor, newest.action) == (actor.username, action)


def _permission_of(case: str) -> Permission:
    if case in CASES:
        return CASES[case][0]
    return test_roles.CASES.get(case, (P.RECORD_READ, None))[0]


def test_the_readme_role_table_is_the_enforced_one() -> None:
    readme = README.read_text("utf-8")
    assert role_matrix_markdown() in readme, (
        "README.md's 'Roles and permissions' table differs from services/access/permissions.py: "
        "paste role_matrix_markdown() into it"
    )
