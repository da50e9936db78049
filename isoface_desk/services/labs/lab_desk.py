"""The lab-work services over one engine, for the nurse workspace and the CLI.

    desk = lab_desk(services.engine, now=services.orders.now)
    desk.work.due_list(actor); desk.printing.prepare(actor, ids); desk.results.record(...)
"""

from __future__ import annotations

from dataclasses import dataclass

from isoface_desk.services.context import Clock, utc_now
from isoface_desk.services.labs.lab_export import LabExportService
from isoface_desk.services.labs.lab_printing import LabPrintService
from isoface_desk.services.labs.lab_results import LabResultService
from isoface_desk.services.labs.lab_work import LabWorkService
from isoface_desk.storage.handles import Engine

__all__ = ["LabDesk", "lab_desk"]


@dataclass(frozen=True)
class LabDesk:
    work: LabWorkService
    printing: LabPrintService
    results: LabResultService
    export: LabExportService


def lab_desk(engine: Engine, *, now: Clock = utc_now) -> LabDesk:
    printing = LabPrintService(engine, now=now)
    return LabDesk(
        work=printing.work,
        printing=printing,
        results=LabResultService(engine, now=now),
        export=LabExportService(engine, now=now),
    )
