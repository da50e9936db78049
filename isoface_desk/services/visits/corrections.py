"""What marks an unsigned visit as the correction of a signed record.

A correction is autosaved like any visit, into a draft of the same patient, kind and
author as a normal visit would be; what sets it apart is `CORRECTION_KEY` in the draft's
answers: {"record_id": N, "reason": "..."}. So a correction reopened after a crash is
still a correction, and a normal visit never resumes a correction's draft (nor a
correction a normal one): `visit_start` and `timeline` tell them apart with
`correction_of`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from isoface_desk.storage.repositories.drafts import Draft

__all__ = ["CORRECTION_KEY", "Correction", "correction_of"]

CORRECTION_KEY = "__correction__"


@dataclass(frozen=True)
class Correction:
    record_id: int  # the signed record this corrects
    reason: str

    def as_answers(self) -> dict[str, Any]:
        """What the draft's answers carry (see the module docstring)."""
        return {CORRECTION_KEY: {"record_id": self.record_id, "reason": self.reason}}


def correction_of(draft: Draft) -> Correction | None:
    """The correction a draft is, or None for a normal visit."""
    value = draft.answers.get(CORRECTION_KEY)
    if not isinstance(value, Mapping):
        return None
    record_id, reason = value.get("record_id"), value.get("reason")
    if not isinstance(record_id, int) or isinstance(record_id, bool):
        return None
    return Correction(record_id, reason if isinstance(reason, str) else "")
