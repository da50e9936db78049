"""Builds the Audit area's page for a session (ui/main_controller's AREA_FACTORIES):
the tabs the actor's permissions allow, wired to the audit services."""

from __future__ import annotations

from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.bundle import Services
from isoface_desk.services.context import Actor
from isoface_desk.ui.audit.controller import AuditController, ExportPathChooser, ask_export_path
from isoface_desk.ui.audit.filters import FilterBar
from isoface_desk.ui.audit.integrity import IntegrityPanel
from isoface_desk.ui.audit.model import RecordListModel
from isoface_desk.ui.audit.record_panel import RecordPanel
from isoface_desk.ui.audit.workspace import AuditWorkspace, EventsTab, RecordsTab
from isoface_desk.ui.messages import MessageChannel
from isoface_desk.ui.pdf.preview import PathChooser, PrinterChooser
from isoface_desk.ui.tasks import TaskRunner


def audit_page(
    actor: Actor,
    services: Services,
    messages: MessageChannel,
    runner: TaskRunner | None = None,
    *,
    choose_export_path: ExportPathChooser = ask_export_path,
    choose_printer: PrinterChooser | None = None,
    choose_save_path: PathChooser | None = None,
    start: bool = True,
) -> AuditWorkspace:
    """The page; `page.controller` holds its behaviour. Without a runner every query runs
    at once on the UI thread (tests, screenshots); the integrity check always runs in the
    background (a runner of its own if none is given)."""
    review, reports = services.audit_review, services.reports
    today = services.auth.today()
    records = events = None
    if actor.may(Permission.AUDIT_READ):
        filters = FilterBar(today, sorted(services.catalog.profiles))
        model = RecordListModel(
            lambda flt, after: review.search(actor, flt, after=after),
            lambda flt: review.count(actor, flt),
            runner=runner,
        )
        panel = RecordPanel(services, actor, messages, choose_printer=choose_printer,
                            choose_save_path=choose_save_path)  # fmt: skip
        records = RecordsTab(model, filters, panel)
        model.setParent(records)
        events = EventsTab()
    integrity = None
    if actor.may(Permission.INTEGRITY_VERIFY):
        integrity = IntegrityPanel(review, actor, messages, runner or TaskRunner())
    page = AuditWorkspace(records, integrity, events, today)
    page.controller = AuditController(  # type: ignore[attr-defined]
        records, events, review, reports, actor, messages, runner=runner,
        today=services.auth.today, choose_export_path=choose_export_path,
    )  # fmt: skip
    if start:
        page.controller.start()  # type: ignore[attr-defined]
    return page
