"""May an evaluation be signed: the one signing rule, for the checklist screen and the service.

A visit may be signed only from a complete (not provisional) evaluation, with no finding
that blocks, and a typed justification for every warning. The screen shows what is still
missing before the person presses Sign; services.visits.visit_checks refuses the same
things when the record is stored, so the two can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from isoface_desk.domain.engine import Evaluation
from isoface_desk.domain.findings import Finding


@dataclass(frozen=True)
class Readiness:
    """What stands between an evaluation and a signature.

    `justified` holds the trimmed justifications of the warnings shown (the ones signed);
    `stray` the codes given a justification that are no warning of this evaluation (the
    screen drops them, the service refuses them: a stale justification is a mistake)."""

    complete: bool  # a full evaluation, not a provisional one
    blocks: tuple[Finding, ...]
    unjustified: tuple[Finding, ...]  # warnings without a typed justification
    justified: dict[str, str]
    stray: tuple[str, ...]

    @property
    def ready(self) -> bool:
        """Signing is allowed (stray justifications aside, which are simply not signed)."""
        return self.complete and not self.blocks and not self.unjustified


def readiness(
    evaluation: Evaluation | None, justifications: Mapping[str, str], *, provisional: bool = False
) -> Readiness:
    """The readiness of `evaluation` (None: nothing could be evaluated) with these
    justifications, keyed by warning code; blank text counts as no justification."""
    findings = evaluation.findings if evaluation is not None else ()
    warnings = [f for f in findings if f.severity == "warn"]
    typed = {code: text.strip() for code, text in justifications.items()}
    return Readiness(
        complete=evaluation is not None and not provisional,
        blocks=tuple(f for f in findings if f.severity == "block"),
        unjustified=tuple(f for f in warnings if not typed.get(f.code)),
        justified={f.code: typed[f.code] for f in warnings if typed.get(f.code)},
        stray=tuple(sorted(set(typed) - {f.code for f in warnings})),
    )
