"""The composition root (services/bundle.py): every service of isoface_desk/services is
built once there, all on one clock and one forms catalog, and the UI and the CLI take
them from `Services` instead of building their own over `services.engine`."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import isoface_desk.services
from isoface_desk.config import forms_dir
from isoface_desk.domain.catalog import default_catalog, load_catalog
from isoface_desk.errors import AuthenticationError
from isoface_desk.services.audit.integrity import IntegrityService
from isoface_desk.services.bundle import Services, build_services
from isoface_desk.services.context import Actor, CatalogServiceBase, ServiceBase
from isoface_desk.services.visits.records import RecordService
from isoface_desk.storage.db import make_engine
from isoface_desk.storage.migrate import upgrade
from tests.services.conftest import World, example_patient, patient_signature, visit

PACKAGE = Path(isoface_desk.__file__).parent
FIXED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def fixed_clock() -> dt.datetime:
    return FIXED


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """Built with a clock and a catalog of their own, so a service that fell back to the
    default clock or to default_catalog() would not pass for one given them."""
    url = f"sqlite:///{tmp_path_factory.mktemp('bundle') / 'bundle.sqlite3'}"
    upgrade(url)
    catalog = load_catalog(forms_dir())
    assert catalog is not default_catalog()
    built = build_services(make_engine(url), now=fixed_clock, catalog=catalog)
    yield built
    built.close()


def service_classes() -> set[type]:
    """Every concrete service class defined under isoface_desk/services (the *Base classes
    are what services are made of, not services), and IntegrityService, which holds the
    engine without being a ServiceBase."""
    found: set[type] = {IntegrityService}
    prefix = isoface_desk.services.__name__ + "."
    for info in pkgutil.walk_packages(isoface_desk.services.__path__, prefix):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, ServiceBase)
                and value.__module__ == module.__name__
                and not value.__name__.endswith("Base")
            ):
                found.add(value)
    return found


def reachable(services: Services) -> list[ServiceBase | IntegrityService]:
    """The services a Services hands out: its fields, the lab desk's, and the services
    those hold (AuditReviewService.integrity, VisitPreviewService.starts)."""
    fields = [getattr(services, name) for name in services.__dataclass_fields__]
    fields += [getattr(services.lab_desk, name) for name in services.lab_desk.__dataclass_fields__]
    top = [s for s in fields if isinstance(s, ServiceBase | IntegrityService)]
    held = (ServiceBase, IntegrityService)
    return top + [v for s in top for v in vars(s).values() if isinstance(v, held)]


def test_every_service_class_is_reachable_from_a_built_services(services: Services) -> None:
    classes = service_classes()
    assert len(classes) >= 20  # the walk found the subject packages
    missing = classes - {type(s) for s in reachable(services)}
    assert not missing, f"not in Services: {sorted(c.__name__ for c in missing)}"


def test_every_service_runs_on_the_one_clock(services: Services) -> None:
    assert services.now is fixed_clock
    for service in reachable(services):
        clock = service.now if isinstance(service, ServiceBase) else vars(service)["_now"]
        assert clock is fixed_clock, type(service).__name__


def test_every_catalog_service_reads_the_one_catalog(services: Services) -> None:
    readers = [s for s in reachable(services) if isinstance(s, CatalogServiceBase)]
    assert len(readers) >= 8  # timeline, visits, drafts, records, lab results, printing...
    for service in readers:
        assert service.catalog is services.catalog, type(service).__name__


def test_one_instance_of_each_service(services: Services) -> None:
    """The lab desk and the services' collaborators are the Services' own, not copies."""
    desk = services.lab_desk
    assert desk.work is services.lab_work
    assert (desk.printing, desk.results, desk.export) == (
        services.lab_printing,
        services.lab_results,
        services.lab_export,
    )
    assert services.database == str(services.engine.url)
    assert services.audit_review.documents is services.documents
    assert services.audit_review.integrity is services.integrity
    assert services.visit_previews.starts is services.visit_starts


def test_signing_checks_the_password_with_the_check_it_was_given(shared_world: World) -> None:
    """RecordService does not build an AuthService of its own: the injected check decides."""
    w = shared_world
    asked: list[tuple[str, str]] = []

    def refuse(actor: Actor, password: str) -> None:
        asked.append((actor.username, password))
        raise AuthenticationError("refused by the injected check")

    records = RecordService(
        w.services.engine, now=w.clock, catalog=w.services.catalog, confirm_password=refuse
    )
    derm = w.actors["dermatologist"]
    patient_id = w.services.patients.create(w.first, example_patient()).id
    with pytest.raises(AuthenticationError, match="injected check"):
        records.sign_visit(derm, patient_id, None, "initiation", visit(), {},
                           patient_signature(), "Any-password-1")  # fmt: skip
    assert asked == [(derm.username, "Any-password-1")]
    assert w.services.records.for_patient(derm, patient_id) == []


def _engine_uses(path: Path) -> list[int]:
    """Lines of `path` reading an `.engine` attribute (`services.engine`, `s.engine`...)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "engine"
    )


@pytest.mark.parametrize("layer", ["ui", "cli"])
def test_the_ui_and_the_cli_never_touch_the_engine(layer: str) -> None:
    files = sorted((PACKAGE / layer).rglob("*.py"))
    assert files
    found = {str(p.relative_to(PACKAGE)): lines for p in files if (lines := _engine_uses(p))}
    assert found == {}, f"use the service from Services instead: {found}"


def test_the_engine_check_finds_a_use(tmp_path: Path) -> None:
    """The AST check sees through the forms a use takes (the test above can fail)."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from isoface_desk.domain.engine import evaluate\n"  # the safety engine: fine
        "x = services.engine\n"
        "y = self.services.engine.url\n",
        encoding="utf-8",
    )
    assert _engine_uses(sample) == [2, 3]
