"""`isoface-desk checkpoint` in a child process, then `verify` against what it wrote: the
checkpoint a PostgreSQL clinic keeps beside its dumps (and anyone beside a copy)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from isoface_desk.devtools.demo import DEMO_PASSWORD
from tests.cli.child import run_cli
from tests.pdf_world import PdfWorld, world_fixtures

world, services = world_fixtures("checkpoint-cli")


def test_a_checkpoint_by_hand_then_a_cut_off_chain_fails_verify(
    world: PdfWorld, cli_env: dict[str, str], tmp_path: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    made = run_cli(world.db_url, cli_env, "checkpoint", "--out", str(usb), "--user", "auditor",
                   password=DEMO_PASSWORD)  # fmt: skip
    assert made.returncode == 0, made.stderr
    (mark,) = usb.glob("isoface-checkpoint-*.json")
    assert made.stdout.splitlines()[0] == f"checkpoint written to {mark}"
    body = json.loads(mark.read_text())
    assert body["made_by"] == "auditor" and body["signature"]

    clean = run_cli(world.db_url, cli_env, "verify", "--checkpoint", str(mark))
    assert clean.returncode == 0, clean.stdout
    assert f"compared with checkpoint {mark.name} of " in clean.stdout

    with sqlite3.connect(world.db_url.removeprefix("sqlite:///")) as conn:
        conn.execute("DROP TRIGGER trg_audit_event_no_delete")
        conn.execute("DELETE FROM audit_event WHERE seq >= ?", (body["head_seq"] - 2,))
    conn.close()
    cut = run_cli(world.db_url, cli_env, "verify", "--checkpoint", str(mark))
    assert cut.returncode == 1
    expected = (
        f"checkpoint mismatch: event {body['head_seq']}: events up to the checkpoint are gone"
    )
    assert expected in cut.stdout.splitlines()


def test_a_nurse_may_not_make_one(world: PdfWorld, cli_env: dict[str, str], tmp_path: Path) -> None:
    done = run_cli(world.db_url, cli_env, "checkpoint", "--out", str(tmp_path), "--user",
                   "nurse", password=DEMO_PASSWORD)  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert not list(tmp_path.glob("isoface-checkpoint-*.json"))
