"""The demo's people: named patients in many scripts, and a generator of identity-only
patients for large seeds (deterministic: the same N gives the same patients)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from isoface_desk.devtools.demo_country import DEFAULT, DemoCountry, DemoPerson
from isoface_desk.storage.repositories.patients import PatientData

#: The original demo's patient names (the first four are the names every document must
#: render, issue 2); each country's demo has its own (devtools/demo_country.py).
NAMES: tuple[DemoPerson, ...] = DEFAULT.people

GIVEN: tuple[tuple[str, str], ...] = (
    ("Emma", "female"), ("Noah", "male"), ("Léa", "female"), ("Jonas", "male"),
    ("Мария", "female"), ("Дмитрий", "male"), ("美玲", "female"), ("伟", "male"),
    ("فاطمة", "female"), ("أحمد", "male"), ("Sofía", "female"), ("Mateo", "male"),
    ("Ingrid", "female"), ("Björn", "male"), ("Aoife", "female"), ("Seán", "male"),
    ("Zeynep", "female"), ("Emre", "male"), ("Ελένη", "female"), ("Γιώργος", "male"),
)  # fmt: skip
FAMILY: tuple[str, ...] = (
    "Smith", "Müller", "García", "Rossi", "Kowalski", "Иванова", "Смирнов", "王", "陈",
    "حسن", "Nakamura", "Nguyễn", "O'Connor", "Fernández", "Lindqvist", "Öztürk",
    "Παπαδάκης", "Dubois", "Kim", "Jensen", "Novák", "Silva", "Haddad", "Levi",
)  # fmt: skip

BIRTH_FROM = dt.date(1962, 1, 1)
BIRTH_SPAN_DAYS = 17_000  # born 1962 to 2008


def named_patient(index: int, birth_date: dt.date, country: DemoCountry = DEFAULT) -> PatientData:
    """Full-workflow patient `index` (0-based): a name of the country's demo people, a
    DEMO- clinic number (and, where the country has them, an identity document)."""
    name = country.people[index % len(country.people)]
    return PatientData(
        given_name=name.given,
        family_name=name.family,
        birth_date=birth_date,
        sex_at_birth=name.sex,
        clinic_number=f"DEMO-{index + 1:05d}",
        can_get_pregnant=name.sex == "female",
        phone=country.phone.format(n=f"{index % 10_000:04d}"),
    )


def bulk_patients(count: int) -> Iterator[PatientData]:
    """`count` identity-only patients, clinic numbers D0000001 upwards."""
    n_given, n_family = len(GIVEN), len(FAMILY)
    for i in range(count):
        given, sex = GIVEN[i % n_given]
        family = FAMILY[(i // n_given + i) % n_family]
        born = BIRTH_FROM + dt.timedelta(days=(i * 7919) % BIRTH_SPAN_DAYS)
        yield PatientData(
            given_name=given,
            family_name=family,
            birth_date=born,
            sex_at_birth=sex,
            clinic_number=f"D{i + 1:07d}",
            can_get_pregnant=sex == "female",
        )
