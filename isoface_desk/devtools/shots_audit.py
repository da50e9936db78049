"""The auditor's workspace on the seeded demo database (devtools/screenshots.py, README): the real
app signed in as the demo auditor, the Audit area open on a record signed with a justified
warning, its stored PDF, checks and trail in view."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget

from isoface_desk.devtools.shots_patients import _OPEN, demo_url
from isoface_desk.services.audit.audit_review import RecordFilter
from isoface_desk.ui.audit.workspace import AuditWorkspace
from isoface_desk.ui.compose import build_app
from isoface_desk.ui.messages import MessageChannel


def auditor_shot() -> QWidget:
    parts = build_app(demo_url(), "screenshots", MessageChannel(show_dialogs=False))
    _OPEN.append(parts)
    assert parts.services is not None and parts.session is not None
    parts.session.begin(parts.services.auth.login("auditor", "demo-password"))
    parts.session.idle.stop()
    parts.window.resize(1366, 728)  # 1366x768 less a task bar
    parts.window.show()
    page = parts.shell.go_to("audit")
    assert isinstance(page, AuditWorkspace) and page.records is not None
    records = page.records
    model = records.model
    justified = page.controller.review.search(  # type: ignore[attr-defined]
        parts.session.actor, RecordFilter(has_justified_warnings=True), limit=1
    ).items
    row = model.row_of(justified[0].id) if justified else 0
    records.table.selectRow(row if row is not None else 0)
    item = model.item_at(row or 0)
    assert item is not None
    page.controller.open_record(item.id)  # type: ignore[attr-defined]
    QApplication.processEvents()
    return parts.window
