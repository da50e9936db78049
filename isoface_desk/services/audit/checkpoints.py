"""Checkpoints: the chain head, signed and written outside the database.

A checkpoint is a small JSON file: the newest event's number and hash, the number of
signed records, the root key's fingerprint, when it was made and by whom, signed with the
maker's unlocked key (its certificate inside). Someone holding only the database file
cannot reach it: verify compares the chain with every checkpoint in the database's own
folder (storage.integrity's anchors: the event's hash, the root, the record count and the
signing key as announced), so cutting off the newest events, re-chaining them or
replacing the whole database is seen.

Written with every backup (beside it, and as `<backup>.checkpoint.json`, which restore
compares the copy with), beside every audit PDF report (which prints the head), by
`isoface-desk checkpoint`, and each time into the user's data folder under the database's
location (`data_dir()/checkpoints/<key>/`). `verify --checkpoint FILE` takes one by hand.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from isoface_desk.config import data_dir
from isoface_desk.errors import InputError
from isoface_desk.fileio import write_bytes_atomically
from isoface_desk.services.access.permissions import Permission
from isoface_desk.services.access.signing_keys import UnlockedKey, unlocked_key
from isoface_desk.services.context import Actor, ServiceBase
from isoface_desk.storage.audit import append_event
from isoface_desk.storage.canonical import canonical_json
from isoface_desk.storage.chain_summary import (
    chain_summary,
    location_key,
)
from isoface_desk.storage.db import read_scope
from isoface_desk.storage.handles import Engine
from isoface_desk.storage.integrity import Anchor
from isoface_desk.storage.seals import PublicKey

log = logging.getLogger("isoface.checkpoints")

FORMAT = "isoface-checkpoint/1"
PREFIX = "isoface-checkpoint-"
MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class Checkpoint:
    head_seq: int
    head_hash: str
    records: int
    root: str | None
    made_at: dt.datetime
    made_by: str
    signer: str | None  # the signing key's fingerprint; None when no key was unlocked
    path: Path | None = None

    @property
    def anchor(self) -> Anchor:
        return Anchor(self.head_seq, self.head_hash, self.records, self.root, self.signer)

    def describe(self, now: dt.datetime) -> str:
        """'compared with checkpoint <file> of 2026-12-01 09:00 UTC (3 days old), …'"""
        age = _age(now - self.made_at)
        where = self.path.name if self.path is not None else "given"
        signed = f"signed by {self.made_by}" if self.signer else "unsigned"
        when = self.made_at.strftime("%Y-%m-%d %H:%M UTC")
        return (f"compared with checkpoint {where} of {when} ({age} old), "
                f"event {self.head_seq}, {signed}")  # fmt: skip


def _age(delta: dt.timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def current(engine: Engine, key: UnlockedKey | None, made_by: str, now: dt.datetime) -> bytes:
    """The checkpoint of the database as it is now, as file bytes."""
    with read_scope(engine) as session:
        summary = chain_summary(session)
    body: dict[str, Any] = {
        "format": FORMAT,
        "head_seq": summary.head_seq,
        "head_hash": summary.head_hash,
        "records": summary.records,
        "root": summary.root,
        "made_at": now.astimezone(dt.UTC).isoformat(),
        "made_by": made_by,
    }
    if key is not None:
        body["signer"] = key.fingerprint
        body["certificate"] = key.cert_pem.decode("ascii")
        body["signature"] = base64.b64encode(key.sign(canonical_json(body))).decode("ascii")
    return json.dumps(body, indent=1, sort_keys=True).encode("utf-8") + b"\n"


def current_for(engine: Engine, actor: Actor, now: dt.datetime) -> bytes:
    """`current`, made and signed by the signed-in `actor` (their unlocked key, if any)."""
    return current(engine, unlocked_key(engine, actor.user_id), actor.username, now)


def file_name(checkpoint_bytes: bytes) -> str:
    body = json.loads(checkpoint_bytes)
    stamp = dt.datetime.fromisoformat(body["made_at"]).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{PREFIX}{stamp}-e{body['head_seq']}.json"


def write(
    db_url: str, folders: Iterable[Path], data: bytes, beside: Path | None = None
) -> list[Path]:
    """Write the checkpoint into each folder and the data folder's copy, and, for a backup,
    as `<backup>.checkpoint.json` beside it (what restore compares the copy with); the
    paths written. A folder that cannot be written is logged, never fatal: the backup
    itself succeeded."""
    name = file_name(data)
    targets = [folder / name for folder in [*folders, local_folder(db_url)]]
    if beside is not None:
        targets.append(paired_with(beside))
    written = []
    for target in targets:
        try:
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_bytes_atomically(target, data)
        except (OSError, InputError) as exc:
            log.warning("checkpoint not written in a folder: %s", type(exc).__name__)
            continue
        written.append(target)
    return written


def paired_with(backup: Path) -> Path:
    """The checkpoint written with a backup file, beside it."""
    return backup.with_name(f"{backup.name}.checkpoint.json")


def local_folder(db_url: str) -> Path:
    """This database's checkpoint folder in the user's data folder."""
    return data_dir() / "checkpoints" / location_key(db_url)


def read(path: Path) -> Checkpoint:
    """A checkpoint file, its signature checked with the certificate it carries (verify
    then checks that the certificate is one the database announced)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise InputError(f"{path} is too large to be a checkpoint.")
        body = json.loads(path.read_bytes())
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    except ValueError as exc:
        raise InputError(f"{path} is not a checkpoint file (not JSON).") from exc
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise InputError(f"{path} is not an Isoface checkpoint.")
    try:
        checkpoint = Checkpoint(
            head_seq=int(body["head_seq"]),
            head_hash=str(body["head_hash"]),
            records=int(body["records"]),
            root=body.get("root"),
            made_at=dt.datetime.fromisoformat(body["made_at"]),
            made_by=str(body.get("made_by", "")),
            signer=body.get("signer"),
            path=path,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{path} is a damaged checkpoint: {exc}.") from exc
    if checkpoint.signer is not None:
        _check_signature(path, body)
    return checkpoint


def _check_signature(path: Path, body: dict[str, Any]) -> None:
    signed = {k: v for k, v in body.items() if k not in ("signature",)}
    try:
        public = PublicKey.from_pem(str(body["certificate"]))
    except (KeyError, ValueError, IndexError) as exc:
        raise InputError(f"{path}: the checkpoint's certificate cannot be read.") from exc
    if public.fingerprint != body.get("signer") or not public.verifies(
        canonical_json(signed), body.get("signature")
    ):
        raise InputError(f"{path}: the checkpoint's signature does not match: it was edited.")


@dataclass(frozen=True)
class Found:
    """The checkpoints in a set of folders, and the files that are not (edited, damaged)."""

    checkpoints: tuple[Checkpoint, ...]
    refused: tuple[str, ...]  # why each refused file was refused (names the file)

    @property
    def newest(self) -> Checkpoint | None:
        return max(self.checkpoints, key=lambda c: (c.head_seq, c.made_at), default=None)


def found_in(folders: Iterable[Path]) -> Found:
    """Every checkpoint file in these folders: verify compares the chain with all of them,
    so a file planted to match a forged chain cannot hide one that does not match."""
    good: list[Checkpoint] = []
    refused: list[str] = []
    for folder in folders:
        try:
            paths = sorted(folder.glob(f"{PREFIX}*.json"))
        except OSError:
            continue
        for path in paths:
            try:
                good.append(read(path))
            except InputError as exc:
                refused.append(str(exc))
    return Found(tuple(good), tuple(refused))


class CheckpointService(ServiceBase):
    """A checkpoint on demand (`isoface-desk checkpoint`): how a PostgreSQL clinic, which
    backs up with pg_dump, keeps one beside its dumps. Auditors and administrators."""

    def make(self, actor: Actor, folder: Path) -> list[Path]:
        """Write a checkpoint signed with the actor's unlocked key into `folder` (which must
        exist) and the data folder's copy; a "checkpoint" audit event before it, so the
        checkpoint covers its own making."""
        target = Path(folder).expanduser()
        if not target.is_dir():
            raise InputError(f"The folder {target} does not exist.")
        with self._unit(actor, Permission.INTEGRITY_VERIFY) as session:
            append_event(session, actor.username, "checkpoint", "database", "",
                         {"folder": target.name})  # fmt: skip
        return write(self.database, [target], current_for(self.engine, actor, self.now()))
