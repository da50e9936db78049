"""The lab-work services of a session, for the nurse workspace (ui/orders):

desk = services.lab_desk            # services/bundle builds the four once
desk.work.due_list(actor); desk.printing.prepare(actor, ids); desk.results.record(...)
"""

from __future__ import annotations

from dataclasses import dataclass

from isoface_desk.services.labs.lab_export import LabExportService
from isoface_desk.services.labs.lab_printing import LabPrintService
from isoface_desk.services.labs.lab_results import LabResultService
from isoface_desk.services.labs.lab_work import LabWorkService

__all__ = ["LabDesk"]


@dataclass(frozen=True)
class LabDesk:
    work: LabWorkService
    printing: LabPrintService
    results: LabResultService
    export: LabExportService
