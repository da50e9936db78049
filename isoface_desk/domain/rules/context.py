"""What every rule group reads: the visit, the resolved profile, the catalog, and the
facts derived once per evaluation (age, visit kind, PHQ-9 score, medicine classes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.findings import TOPIC, Finding
from isoface_desk.domain.phq9 import Phq9Score
from isoface_desk.domain.profiles import Profile, Severity
from isoface_desk.domain.visit import Visit


@dataclass(frozen=True, slots=True)
class Ctx:
    visit: Visit
    profile: Profile
    catalog: Catalog
    day: date
    initiation: bool
    follow_up: bool
    end_of_course: bool
    potential: bool
    age: int
    phq9: Phq9Score | None
    #: The medicine classes of each medication, in input order (empty for topical ones).
    med_classes: tuple[frozenset[str], ...]

    @property
    def treating(self) -> bool:
        """Initiation or follow-up: the visits that prescribe (rules marked "I F")."""
        return not self.end_of_course

    def finding(self, code: str, severity: Severity, message: str, field: str) -> Finding:
        return Finding(code, severity, message, self.profile.basis.get(TOPIC[code], ""), field)

    def days_before(self, when: date) -> int:
        """Days from `when` to the visit: 0 on the visit day, positive before it."""
        return (self.day - when).days
