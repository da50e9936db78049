"""What signing needs: when it is allowed, and what the sign callback receives.

Signing is allowed only for a complete visit (nothing still to answer, a full, not
provisional, evaluation), with no finding that blocks, and a typed justification for
every warning (the rule itself: domain/readiness.py, which the signing service applies
too). The embedding screen passes a callback taking a `SignRequest`; it checks
the password and stores the signed record (services.records.sign_visit), raising
AuthenticationError for a wrong password or another IsofaceError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from isoface_desk.domain.checklist import Form, VisitContext
from isoface_desk.domain.engine import Evaluation
from isoface_desk.domain.readiness import readiness
from isoface_desk.ui.visit.live_check import LiveResult


@dataclass(frozen=True)
class SignRequest:
    form: Form
    context: VisitContext
    answers: dict[str, Any]  # answers of the visible questions (no signature images)
    visit: dict[str, Any]  # the isoface-check/1 input that was evaluated
    evaluation: Evaluation  # exactly what the findings panel showed
    justifications: dict[str, str]  # warning code -> the prescriber's justification
    signatures: dict[str, bytes]  # signer ("patient", "guardian") -> PNG
    password: str = field(repr=False)
    signer_names: dict[str, str] = field(default_factory=dict)  # signer -> name as printed


SignCallback = Callable[[SignRequest], object]


class DraftStore(Protocol):
    """Where the checklist autosaves (services.drafts.VisitDraftHandle is one)."""

    @property
    def answers(self) -> dict[str, Any]: ...

    @property
    def position(self) -> str: ...

    def save(self, answers: Mapping[str, Any], position: str) -> None: ...

    def discard(self) -> None: ...


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def sign_readiness(result: LiveResult, justifications: Mapping[str, str]) -> tuple[bool, str]:
    """(may sign, why not) for the current result and justifications: domain.readiness
    in words, plus the checklist's own notes (items still to answer)."""
    ready = readiness(result.evaluation, justifications, provisional=result.provisional)
    reasons = []
    if ready.blocks:
        reasons.append(_plural(len(ready.blocks), "finding blocks", "findings block") + " signing")
    if ready.unjustified:
        reasons.append(_plural(len(ready.unjustified), "warning needs", "warnings need")
                       + " a typed justification")  # fmt: skip
    if result.notes:
        reasons.append(_plural(len(result.notes), "item", "items") + " still to answer")
    elif not ready.complete:
        reasons.append("the checklist is not complete")
    if reasons:
        return False, "Cannot sign yet: " + "; ".join(reasons) + "."
    return True, ""


def current_justifications(
    evaluation: Evaluation, justifications: Mapping[str, str]
) -> dict[str, str]:
    """The justifications of the warnings shown, trimmed (others are not signed)."""
    return readiness(evaluation, justifications).justified


def summary_text(
    evaluation: Evaluation, form: Form, context: VisitContext, drawn: Sequence[str] = ()
) -> str:
    """What the sign dialog says is signed; `drawn`: the signers who drew a signature."""
    warns = [f for f in evaluation.findings if f.severity == "warn"]
    lines = [f"{form.title}, {context.visit_date.isoformat()}, profile {evaluation.profile_id}."]
    if warns:
        lines.append(_plural(len(warns), "warning", "warnings")
                     + " signed with your justification.")  # fmt: skip
    else:
        lines.append("No safety findings.")
    if drawn:
        who = " and ".join(f"the {signer}" for signer in drawn)
        lines.append(f"Signed by {who} (drawn) and by you (your password).")
    else:
        lines.append("Signed by you alone (your password): this form asks for no other signature.")
    lines.append("A signed visit cannot be changed afterwards; corrections are new records.")
    return "\n".join(lines)
