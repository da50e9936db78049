"""Every service over one engine, with one clock and one forms catalog: the composition
root the app and the CLI build once and hand down (the UI and the CLI never touch the
engine; they take the service they need from here).

services = open_services(db_url)        # migrates the schema first
actor = services.auth.login("derm", password)
page = services.patients.search(actor, "zoe", limit=50)
due = services.lab_work.due_list(actor)
...
services.close()
"""

from __future__ import annotations

from dataclasses import dataclass

from isoface_desk.domain.catalog import Catalog, default_catalog
from isoface_desk.services.access.auth import AuthService
from isoface_desk.services.access.my_signature import MySignatureService
from isoface_desk.services.access.users import UserService
from isoface_desk.services.audit.audit_review import AuditReviewService
from isoface_desk.services.audit.checkpoints import CheckpointService
from isoface_desk.services.audit.integrity import IntegrityService
from isoface_desk.services.audit.reports import ReportService
from isoface_desk.services.care.courses import CourseService
from isoface_desk.services.care.patients import PatientService
from isoface_desk.services.care.timeline import TimelineService
from isoface_desk.services.clinic.backup import BackupService
from isoface_desk.services.clinic.database import open_database
from isoface_desk.services.clinic.setup import SetupService
from isoface_desk.services.context import Clock, utc_now
from isoface_desk.services.labs.lab_desk import LabDesk
from isoface_desk.services.labs.lab_export import LabExportService
from isoface_desk.services.labs.lab_import import LabImportService
from isoface_desk.services.labs.lab_printing import LabPrintService
from isoface_desk.services.labs.lab_results import LabResultService
from isoface_desk.services.labs.lab_work import LabWorkService
from isoface_desk.services.labs.orders import OrderService
from isoface_desk.services.visits.documents_service import DocumentService
from isoface_desk.services.visits.drafts import DraftService
from isoface_desk.services.visits.records import RecordService
from isoface_desk.services.visits.visit_preview import VisitPreviewService
from isoface_desk.services.visits.visit_start import VisitStartService
from isoface_desk.storage.handles import Engine


@dataclass(frozen=True)
class Services:
    """What a session works with. `engine` is for close() and the test and devtools
    fixtures; the UI and the CLI use the services (tests/services/test_bundle.py checks)."""

    engine: Engine
    now: Clock
    catalog: Catalog
    # access
    auth: AuthService
    users: UserService
    my_signature: MySignatureService
    # clinic
    setup: SetupService
    backups: BackupService
    # care
    patients: PatientService
    courses: CourseService
    timeline: TimelineService
    # visits
    visit_starts: VisitStartService
    visit_previews: VisitPreviewService
    drafts: DraftService
    records: RecordService
    documents: DocumentService
    # labs
    orders: OrderService
    lab_work: LabWorkService
    lab_printing: LabPrintService
    lab_results: LabResultService
    lab_import: LabImportService
    lab_export: LabExportService
    # audit
    audit_review: AuditReviewService
    reports: ReportService
    integrity: IntegrityService
    checkpoints: CheckpointService

    @property
    def lab_desk(self) -> LabDesk:
        """The nurse workspace's four lab services (ui/orders)."""
        return LabDesk(self.lab_work, self.lab_printing, self.lab_results, self.lab_export)

    @property
    def database(self) -> str:
        """The open database's URL without its password (ServiceBase.database)."""
        return self.auth.database

    def close(self) -> None:
        self.engine.dispose()


def build_services(
    engine: Engine, *, now: Clock = utc_now, catalog: Catalog | None = None
) -> Services:
    """Every service over an existing engine (the schema must be current), each given the
    same clock and the same catalog (`catalog`, else the configured forms folder's, loaded
    here once)."""
    forms = catalog if catalog is not None else default_catalog()
    auth = AuthService(engine, now=now)
    starts = VisitStartService(engine, now=now, catalog=forms)
    documents = DocumentService(engine, now=now)
    integrity = IntegrityService(engine, now=now)
    return Services(
        engine=engine,
        now=now,
        catalog=forms,
        auth=auth,
        users=UserService(engine, now=now),
        my_signature=MySignatureService(engine, now=now),
        setup=SetupService(engine, now=now),
        backups=BackupService(engine, now=now),
        patients=PatientService(engine, now=now),
        courses=CourseService(engine, now=now),
        timeline=TimelineService(engine, now=now, catalog=forms),
        visit_starts=starts,
        visit_previews=VisitPreviewService(engine, now=now, catalog=forms, starts=starts),
        drafts=DraftService(engine, now=now, catalog=forms),
        records=RecordService(
            engine, now=now, catalog=forms, confirm_password=auth.confirm_password
        ),
        documents=documents,
        orders=OrderService(engine, now=now),
        lab_work=LabWorkService(engine, now=now),
        lab_printing=LabPrintService(engine, now=now, catalog=forms),
        lab_results=LabResultService(engine, now=now, catalog=forms),
        lab_import=LabImportService(engine, now=now, catalog=forms),
        lab_export=LabExportService(engine, now=now),
        audit_review=AuditReviewService(engine, now=now, documents=documents, integrity=integrity),
        reports=ReportService(engine, now=now),
        integrity=integrity,
        checkpoints=CheckpointService(engine, now=now),
    )


def open_services(db_url: str, *, migrate: bool = True, now: Clock = utc_now) -> Services:
    """Bring the database to the current schema (a SQLite file is backed up first) and
    build the services over it."""
    return build_services(open_database(db_url, upgrade=migrate), now=now)
