"""The demo clinic of each country: who works there, who the patients are, the rules it
works under, the units its laboratory reports in and the words its prescribers type.

`DEFAULT` is the original demo (a UK clinic in English); `COLOMBIA` is a clinic in
Bogotá working in Spanish under `co-2026`, with Colombian names (two surnames),
identity documents and laboratory results in mg/dL. `seed-demo --country co` picks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from isoface_desk.services.access.passwords import DEMO_PASSWORD
from isoface_desk.services.access.users import NewUser
from isoface_desk.services.clinic.setup import ClinicData, FirstUser


@dataclass(frozen=True)
class DemoPerson:
    given: str
    family: str
    sex: str  # female / male
    second_family: str = ""
    document_type: str = ""
    document_number: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given, self.family, self.second_family) if p)


@dataclass(frozen=True)
class DemoCountry:
    code: str
    language: str
    profile: str
    clinic: ClinicData
    first_user: FirstUser
    other_users: tuple[NewUser, ...]
    people: tuple[DemoPerson, ...]
    phone: str  # with {n}: four digits from the patient's index
    #: One normal result per test, as this country's laboratory reports it.
    normal_results: dict[str, dict[str, Any]]
    #: The contraception of a demo patient who can get pregnant (sufficient under `profile`).
    methods: tuple[dict[str, str], ...]
    justifications: dict[str, str]
    stop_reason: str
    correction_reason: str
    guardian: str  # with {given}
    second_prescriber: str
    medicine: str
    extra: dict[str, Any] = field(default_factory=dict)


_UK_NAMES: tuple[DemoPerson, ...] = (
    # The first four are the names every document must render (issue 2).
    DemoPerson("Zoë", "Ångström", "female"),
    DemoPerson("Иван", "Петров", "male"),
    DemoPerson("小龍", "李", "male"),
    DemoPerson("محمد", "عبدالله", "male"),
    DemoPerson("Amélie", "Dubois", "female"),
    DemoPerson("Αθηνά", "Παπαδοπούλου", "female"),
    DemoPerson("José", "Núñez", "male"),
    DemoPerson("Małgorzata", "Wiśniewska", "female"),
    DemoPerson("愛子", "田中", "female"),
    DemoPerson("Søren", "Østergaard", "male"),
    DemoPerson("Ngozi", "Okafor", "female"),
    DemoPerson("Ayşe", "Yılmaz", "female"),
    DemoPerson("שרה", "כהן", "female"),
    DemoPerson("Ólafur", "Jónsson", "male"),
    DemoPerson("Priya", "Sharma", "female"),
    DemoPerson("Chloé", "O'Brien", "female"),
)

DEFAULT = DemoCountry(
    code="default",
    language="en",
    profile="uk-mhra",
    clinic=ClinicData(
        name="Isoface Demo Clinic",
        jurisdiction_profile="uk-mhra",
        address="1 Example Street, London W1A 1AA",
        phone="+44 20 7946 0000",
        paper_size="A4",
        lab_schedule_profile="smpc",
    ),
    first_user=FirstUser("derm", "Dr Dana Derm", DEMO_PASSWORD, "GMC 7654321"),
    other_users=(
        NewUser("nurse", "Nurse Nia Nye", frozenset({"nurse"}), DEMO_PASSWORD),
        NewUser("auditor", "Audrey Auditor", frozenset({"auditor"}), DEMO_PASSWORD),
        NewUser("admin", "Adam Admin", frozenset({"admin"}), DEMO_PASSWORD),
    ),
    people=_UK_NAMES,
    phone="+44 20 7946 {n}",
    normal_results={
        "ALT": {"value": 27, "unit": "U/L", "uln": 45},
        "AST": {"value": 23, "unit": "U/L", "uln": 40},
        "TG": {"value": 1.4, "unit": "mmol/L"},
        "CHOL": {"value": 4.7, "unit": "mmol/L"},
        "GLUCOSE": {"value": 5.0, "unit": "mmol/L"},
        "HCG": {"result": "negative"},
    },
    methods=({"code": "implant", "start_date": "2025-01-15"},),
    justifications={
        "LIVER_ENZYMES_HIGH": "ALT mildly raised after heavy exercise; repeat in two weeks, "
        "dose unchanged, patient told to avoid alcohol.",
        "PSYCHIATRIC_HISTORY": "Depression in remission for three years; GP informed, PHQ-9 "
        "at every visit, patient and family know the warning signs.",
    },
    stop_reason="Stopped early at the patient's request.",
    correction_reason="Weight was read from an old note; corrected from today's scale.",
    guardian="Parent of {given}",
    second_prescriber="Dr Second Opinion",
    medicine="Cetirizine 10 mg",
)

_CO_PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("María Fernanda", "Rodríguez", "female", "Gómez", "CC", "1020456789"),
    DemoPerson("Juan Sebastián", "Martínez", "male", "López", "CC", "1015234567"),
    DemoPerson("Valentina", "García", "female", "Muñoz", "TI", "1001234567"),
    DemoPerson("Andrés Felipe", "Hernández", "male", "Castro", "CC", "80123456"),
    DemoPerson("Laura Camila", "Ramírez", "female", "Ospina", "CC", "1032567890"),
    DemoPerson("Santiago", "Torres", "male", "Quintero", "CC", "1019876543"),
    DemoPerson("Daniela", "Vargas", "female", "Peña", "CE", "E-456123"),
    DemoPerson("Ana Sofía", "Jiménez", "female", "Cárdenas", "CC", "1026789012"),
    DemoPerson("Carlos Andrés", "Moreno", "male", "Rincón", "CC", "79845612"),
    DemoPerson("Isabella", "Rojas", "female", "Ñañez", "TI", "1098765432"),
    DemoPerson("Luisa Fernanda", "Díaz", "female", "Arango", "PPT", "PPT4567891"),
    DemoPerson("Nicolás", "Suárez", "male", "Beltrán", "CC", "1014567123"),
    DemoPerson("Mariana", "Castaño", "female", "Zuluaga", "CC", "1036123456"),
    DemoPerson("Sebastián", "Londoño", "male", "Restrepo", "PA", "AX123456"),
    DemoPerson("Paula Andrea", "Gutiérrez", "female", "Salazar", "CC", "52987654"),
    DemoPerson("Camila", "Ortiz", "female", "Mejía", "CC", "1022345678"),
)

COLOMBIA = DemoCountry(
    code="co",
    language="es",
    profile="co",
    clinic=ClinicData(
        name="Clínica Dermatológica Isoface (demostración)",
        jurisdiction_profile="co",
        address="Calle 93 # 11-26, consultorio 402\nBogotá D.C.",
        phone="+57 601 555 0100",
        paper_size="Letter",
        lab_schedule_profile="smpc",
    ),
    first_user=FirstUser("derm", "Dra. Catalina Restrepo", DEMO_PASSWORD, "RM 52-123456"),
    other_users=(
        NewUser("nurse", "Enf. Luz Marina Cárdenas", frozenset({"nurse"}), DEMO_PASSWORD),
        NewUser("auditor", "Jorge Eliécer Pardo", frozenset({"auditor"}), DEMO_PASSWORD),
        NewUser("admin", "Adriana Sánchez", frozenset({"admin"}), DEMO_PASSWORD),
    ),
    people=_CO_PEOPLE,
    phone="+57 310 555 {n}",
    normal_results={
        "ALT": {"value": 27, "unit": "U/L", "uln": 45},
        "AST": {"value": 23, "unit": "U/L", "uln": 40},
        "TG": {"value": 124, "unit": "mg/dL"},
        "CHOL": {"value": 182, "unit": "mg/dL"},
        "GLUCOSE": {"value": 90, "unit": "mg/dL"},
        "HCG": {"result": "negative"},
    },
    # "Doble protección": a primary method and a condom (US rule of co-2026).
    methods=(
        {"code": "implant", "start_date": "2025-01-15"},
        {"code": "male-condom", "start_date": "2025-01-15"},
    ),
    justifications={
        "LIVER_ENZYMES_HIGH": "TGP levemente elevada tras ejercicio intenso; se repite en dos "
        "semanas, misma dosis, se indica evitar el alcohol.",
        "PSYCHIATRIC_HISTORY": "Depresión en remisión hace tres años; médico tratante "
        "informado, PHQ-9 en cada control, paciente y familia conocen los signos de alarma.",
    },
    stop_reason="Suspendido antes de tiempo a solicitud de la paciente.",
    correction_reason="El peso se tomó de una nota antigua; corregido con la báscula de hoy.",
    guardian="Acudiente de {given}",
    second_prescriber="Dr. Segundo Concepto",
    medicine="Cetirizina 10 mg",
)

COUNTRIES: dict[str, DemoCountry] = {c.code: c for c in (DEFAULT, COLOMBIA)}


def country(code: str) -> DemoCountry:
    """The demo of `code` ('default' or 'co'); a ValueError names the choices."""
    try:
        return COUNTRIES[code]
    except KeyError:
        raise ValueError(f"no demo for country {code!r} (choose {', '.join(COUNTRIES)})") from None
