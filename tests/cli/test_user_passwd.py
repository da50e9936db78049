"""`isoface-desk user passwd --user NAME` in real child processes on a real SQLite clinic:
the current and the new password typed on standard input (as at the prompts) or given in
the environment, the same service path as the app's File › Change my password… (confirmed,
policy applied, a "user change" event), and refusals that change nothing."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from isoface_desk.errors import AuthenticationError
from isoface_desk.storage.audit import recent_events
from isoface_desk.storage.db import read_scope
from tests.cli.child import run_cli
from tests.conftest import ROOT
from tests.services.conftest import PASSWORD, World, _open, fresh_user, setup_world

NEW = "Lilac-harbour-2031"


@dataclass
class Clinic:
    url: str
    world: World


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clinic]:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-user') / 'users.sqlite3'}"
    services, clock = _open(url)
    yield Clinic(url, setup_world(services, clock))
    services.close()


def passwd(c: Clinic, user: str, typed: str, **env: str) -> subprocess.CompletedProcess[str]:
    child_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return run_cli(c.url, child_env, "user", "passwd", "--user", user, password=typed)


def test_a_nurse_changes_her_password_on_standard_input(clinic: Clinic) -> None:
    nurse = fresh_user(clinic.world, "nurse")
    done = passwd(clinic, nurse.username, f"{PASSWORD}\n{NEW}")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{nurse.username}: password changed."
    auth = clinic.world.services.auth
    assert auth.login(nurse.username, NEW).user_id == nurse.user_id
    with pytest.raises(AuthenticationError):
        auth.login(nurse.username, PASSWORD)
    with read_scope(clinic.world.services.engine) as session:
        event = recent_events(session, 1, action="user change")[0]
    assert (event.actor, event.target_id, event.details) == (
        nurse.username, str(nurse.user_id), {"change": "password"})  # fmt: skip


def test_passwords_from_the_environment(clinic: Clinic) -> None:
    derm = fresh_user(clinic.world, "dermatologist")
    done = passwd(clinic, derm.username, "", ISOFACE_PASSWORD=PASSWORD, ISOFACE_NEW_PASSWORD=NEW)
    assert done.returncode == 0, done.stderr
    assert clinic.world.services.auth.login(derm.username, NEW).user_id == derm.user_id


def test_a_weak_password_or_a_wrong_current_one_changes_nothing(clinic: Clinic) -> None:
    auditor = fresh_user(clinic.world, "auditor")
    weak = passwd(clinic, auditor.username, f"{PASSWORD}\npassword123")
    assert weak.returncode == 1 and "too common" in weak.stderr and "Traceback" not in weak.stderr
    same = passwd(clinic, auditor.username, f"{PASSWORD}\n{PASSWORD}")
    assert same.returncode == 1 and "must differ" in same.stderr
    wrong = passwd(clinic, auditor.username, f"not-the-password\n{NEW}")
    assert wrong.returncode == 1 and "Wrong user name or password" in wrong.stderr
    missing = passwd(clinic, auditor.username, PASSWORD)
    assert missing.returncode == 1 and "No new password given" in missing.stderr
    assert clinic.world.services.auth.login(auditor.username, PASSWORD).user_id == auditor.user_id
