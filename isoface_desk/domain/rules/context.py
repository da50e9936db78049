"""What every rule group reads: the visit, the resolved profile, the catalog, and the
facts derived once per evaluation (age, visit kind, PHQ-9 score, medicine classes)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.findings import (
    MESSAGES,
    TOPIC,
    Finding,
    date_text,
    join_names,
    number_text,
)
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

    def say(self, code: str, severity: Severity, key: str, field: str, **params: Any) -> Finding:
        """The finding `code` with the message `key` of forms/messages/findings.toml in the
        catalog's language, its placeholders filled from `params`."""
        return self.finding(code, severity, self.text(key, **params), field)

    def text(self, key: str, /, **params: Any) -> str:
        """A finding message (or a piece of one) in the catalog's language."""
        return self.catalog.messages.text(MESSAGES, key, **params)

    def num(self, value: object, spec: str = "g") -> str:
        """A number written for a message in the catalog's language."""
        return number_text(value, spec, self.catalog.lang)

    def date_text(self, day: date) -> str:
        return date_text(day, self.catalog.lang)

    def join(self, names: Iterable[str]) -> str:
        """'A, B and C' with the language's "and"."""
        return join_names(names, self.text("JOIN_AND"))

    def days_before(self, when: date) -> int:
        """Days from `when` to the visit: 0 on the visit day, positive before it."""
        return (self.day - when).days
