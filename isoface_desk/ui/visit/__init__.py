"""The visit checklist with live safety findings (issue 4, items 4, 6 and 7).

`VisitChecklist` is what a screen embeds; `SignRequest` is what its sign callback gets.
"""

from isoface_desk.ui.visit.checklist import SHORTCUTS, VisitChecklist
from isoface_desk.ui.visit.factory import EditorEnv
from isoface_desk.ui.visit.signing import DraftStore, SignCallback, SignRequest

__all__ = ["SHORTCUTS", "DraftStore", "EditorEnv", "SignCallback", "SignRequest", "VisitChecklist"]
