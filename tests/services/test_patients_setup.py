"""Patients (search pages, audited views and edits), first-run setup with a generated or
imported certificate, and the permission table itself."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from isoface_desk.errors import InputError
from isoface_desk.services.access.permissions import (
    ROLE_PERMISSIONS,
    Permission,
    permissions_for,
    role_matrix_markdown,
)
from isoface_desk.services.bundle import build_services
from isoface_desk.services.care.patients import PatientData, parse_query
from isoface_desk.services.clinic.setup import (
    ClinicData,
    FirstUser,
    GenerateCertificate,
    ImportPkcs12,
)
from isoface_desk.storage.audit import recent_events
from isoface_desk.storage.db import make_engine, read_scope
from isoface_desk.storage.migrate import upgrade
from isoface_desk.storage.repositories import clinic as clinic_repo
from isoface_desk.storage.repositories import keys as keys_repo
from tests.services.conftest import PASSWORD, World

P = Permission


def add(w: World, given: str, family: str, born: dt.date, number: str = "") -> int:
    data = PatientData(given, family, born, "female", number or uuid.uuid4().hex[:12])
    return w.services.patients.create(w.actors["nurse"], data).id


def test_search_by_name_number_and_birth_date(shared_world: World) -> None:
    s, nurse = shared_world.services.patients, shared_world.actors["nurse"]
    tag = uuid.uuid4().hex[:6]
    zoe = add(shared_world, "Zoë", f"Ångström{tag}", dt.date(2001, 2, 3), f"Z-{tag}")
    ivan = add(shared_world, "Иван", f"Петров{tag}", dt.date(1990, 5, 6))
    assert [p.id for p in s.search(nurse, f"zoe angstrom{tag}")] == [zoe]
    assert [p.id for p in s.search(nurse, f"ИВАН петров{tag}")] == [ivan]
    assert [p.id for p in s.search(nurse, f"Z-{tag}")] == [zoe]
    assert [p.id for p in s.search(nurse, f"{tag} 03/02/2001")] == [zoe]
    assert [p.id for p in s.search(nurse, f"{tag} 1990-05-06")] == [ivan]
    assert s.count(nurse, tag) == 2


def test_search_pages_for_a_lazy_list(shared_world: World) -> None:
    s, nurse = shared_world.services.patients, shared_world.actors["nurse"]
    family = f"Page{uuid.uuid4().hex[:6]}"
    ids = [add(shared_world, f"P{i:02d}", family, dt.date(2000, 1, 1)) for i in range(7)]
    pages = [s.search(nurse, family, limit=3, offset=o) for o in (0, 3, 6)]
    assert [p.id for page in pages for p in page] == ids
    assert [len(page) for page in pages] == [3, 3, 1]


def test_parse_query() -> None:
    assert parse_query("  ann 1999-12-31 smith ") == parse_query("ann smith 31.12.1999")
    assert parse_query("ann 1999-13-40").birth_date is None


def test_views_and_edits_are_audited_without_values(shared_world: World) -> None:
    s, nurse = shared_world.services.patients, shared_world.actors["nurse"]
    pid = add(shared_world, "Ann", "Old-name", dt.date(1999, 1, 1), f"E-{uuid.uuid4().hex[:6]}")
    before = s.get(nurse, pid)
    changed = dataclasses.replace(
        PatientData(**{f.name: getattr(before, f.name) for f in dataclasses.fields(PatientData)}),
        family_name="New-name",
        phone="0123",
    )
    s.edit(nurse, pid, changed)
    with read_scope(shared_world.services.engine) as session:
        last = recent_events(session, 2, actor="nurse-user")
    assert [(e.action, e.target_id) for e in last] == [("edit", str(pid)), ("view", str(pid))]
    assert last[0].details == {"fields": ["family_name", "phone"]}
    assert "New-name" not in repr(last)


def _pkcs12(passphrase: bytes) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Imported Clinic")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(passphrase)
    return pkcs12.serialize_key_and_certificates(b"clinic", key, cert, None, encryption)


def _pkcs12_certificate(data: bytes, passphrase: bytes) -> bytes:
    _key, cert, _extra = pkcs12.load_key_and_certificates(data, passphrase)
    assert cert is not None
    return cert.public_bytes(serialization.Encoding.PEM)


def test_setup_with_an_imported_pkcs12(db_url: str) -> None:
    upgrade(db_url)
    services = build_services(make_engine(db_url))
    try:
        assert services.setup.needs_setup()
        clinic = ClinicData(name="Imported", jurisdiction_profile="eu-ppp", paper_size="Letter")
        first = FirstUser("boss", "Dr Boss", PASSWORD, "GMC 9")
        data = _pkcs12(b"s3cret")
        with pytest.raises(InputError, match="passphrase"):
            services.setup.complete_setup(clinic, first, ImportPkcs12(data, "wrong"))
        assert services.setup.needs_setup()
        actor = services.setup.complete_setup(clinic, first, ImportPkcs12(data, "s3cret"))
        assert actor.roles == {"dermatologist", "admin"} and not services.setup.needs_setup()
        with read_scope(services.engine) as session:
            root = keys_repo.active_key(session, actor.user_id)
            stored = clinic_repo.get_clinic(session)
        assert root is not None and b"BEGIN CERTIFICATE" in root.certificate_pem
        imported = _pkcs12_certificate(data, b"s3cret")
        assert root.certificate_pem.startswith(imported)  # the imported key is the root
        assert b"PRIVATE KEY" not in root.wrapped_key
        assert stored is not None and stored.paper_size == "Letter"
        assert stored.settings["demo"] is False
    finally:
        services.close()


@pytest.mark.parametrize(
    ("clinic", "problem"),
    [
        (ClinicData(name=" ", jurisdiction_profile="uk-mhra"), "name"),
        (ClinicData(name="X", jurisdiction_profile="fr-ansm"), "jurisdiction"),
        (ClinicData(name="X", jurisdiction_profile="uk-mhra", paper_size="A5"), "Paper"),
    ],
)
def test_setup_checks_the_clinic(clinic: ClinicData, problem: str) -> None:
    services = build_services(make_engine("sqlite://"))
    with pytest.raises(InputError, match=problem):
        services.setup.complete_setup(
            clinic, FirstUser("a", "A", PASSWORD, "L"), GenerateCertificate()
        )


def test_least_privilege_in_the_table() -> None:
    writes = {
        P.PATIENT_WRITE,
        P.COURSE_WRITE,
        P.DRAFT_WRITE,
        P.RECORD_SIGN,
        P.ORDER_WRITE,
        P.USER_MANAGE,
        P.SETTINGS_MANAGE,
    }
    assert not ROLE_PERMISSIONS["auditor"] & writes
    assert P.RECORD_READ not in ROLE_PERMISSIONS["nurse"]
    assert P.RECORD_EXPORT not in ROLE_PERMISSIONS["nurse"]
    assert P.RECORD_SIGN not in ROLE_PERMISSIONS["admin"]
    assert P.PATIENT_READ not in ROLE_PERMISSIONS["admin"]
    assert P.RECORD_SIGN in permissions_for({"admin", "dermatologist"})
    assert permissions_for({"nobody"}) == frozenset()


def test_the_matrix_prints_every_permission_and_role() -> None:
    table = role_matrix_markdown()
    assert table.count("\n") == len(Permission) + 1
    for text in ("dermatologist", "nurse", "auditor", "admin", "`record.sign`"):
        assert text in table
