"""Integrity verification: records, PDFs, seals, the audit chain, and the newest checkpoint
found outside the database (services.checkpoints). Needs no login: it reads only hashes,
ids and public certificates and reports no patient data, so anyone may run it (auditor,
inspector)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from isoface_desk.services.checkpoints import local_folder, newest, signer_known
from isoface_desk.services.checkpoints import read as read_checkpoint
from isoface_desk.services.context import Clock, utc_now
from isoface_desk.storage.db import Engine, make_engine, read_scope, require_existing
from isoface_desk.storage.integrity import (
    CHAIN_REORDERED,
    CHECKPOINT_MISMATCH,
    CONTENT_EDITED,
    EVENT_EDITED,
    EVENT_MISSING,
    KEY_EDITED,
    KEY_UNKNOWN,
    NOT_SEALED,
    PDF_ALTERED,
    RECORD_MISSING,
    SEAL_BROKEN,
    Problem,
    Progress,
    ShouldCancel,
    VerifyReport,
    verify_database,
)
from isoface_desk.storage.migrate import ensure_schema
from isoface_desk.storage.repositories import clinic as clinic_repo

#: Where the daily backup goes (services.backup's setting, read here too).
FOLDER_SETTING = "backup_folder"
NO_CHECKPOINT = (
    "no checkpoint found: cut-off newest events or a replaced database cannot be detected "
    "without one (backups write them; or give one with --checkpoint FILE)"
)

__all__ = [
    "CHAIN_REORDERED",
    "CHECKPOINT_MISMATCH",
    "CONTENT_EDITED",
    "EVENT_EDITED",
    "EVENT_MISSING",
    "KEY_EDITED",
    "KEY_UNKNOWN",
    "NOT_SEALED",
    "PDF_ALTERED",
    "RECORD_MISSING",
    "SEAL_BROKEN",
    "IntegrityService",
    "Problem",
    "VerifyReport",
    "integrity_at",
    "verify_url",
]


class IntegrityService:
    """For the app: verify the open database, with progress and cancel (run it off the UI
    thread; the callbacks are called from that thread)."""

    def __init__(self, engine: Engine, now: Clock = utc_now) -> None:
        self._engine = engine
        self._now = now

    def verify(
        self,
        progress: Progress | None = None,
        should_cancel: ShouldCancel | None = None,
        checkpoint: Path | None = None,
    ) -> VerifyReport:
        """Verify everything against `checkpoint` (a file given by hand), else against the
        newest checkpoint found in this database's folders; the report says which."""
        ensure_schema(self._engine)
        found = read_checkpoint(checkpoint) if checkpoint else newest(self.checkpoint_folders())
        anchor = found.anchor if found is not None else None
        report = verify_database(self._engine, progress, should_cancel, anchor)
        if found is None:
            return replace(report, checkpoint=NO_CHECKPOINT)
        problems = report.problems
        if not signer_known(self._engine, found):
            text = "the checkpoint was signed by a key this database never announced"
            extra = Problem(CHECKPOINT_MISMATCH, "event", found.head_seq, text)
            problems = (*problems, extra)
        return replace(report, problems=problems, checkpoint=found.describe(self._now()))

    def checkpoint_folders(self) -> list[Path]:
        """Where this database's checkpoints are looked for: its folder in the user's data
        folder and the daily backup folder."""
        url = self._engine.url.render_as_string(hide_password=True)
        folders = [local_folder(url)]
        with read_scope(self._engine) as session:
            clinic = clinic_repo.get_clinic(session)
        daily = clinic.settings.get(FOLDER_SETTING) if clinic is not None else None
        if isinstance(daily, str) and daily:
            folders.append(Path(daily))
        return folders


@contextmanager
def integrity_at(db_url: str) -> Iterator[IntegrityService]:
    """For `isoface-desk verify` (no sign-in): the service over the existing database at
    `db_url`, closed afterwards."""
    require_existing(db_url)
    engine = make_engine(db_url)
    try:
        yield IntegrityService(engine)
    finally:
        engine.dispose()


def verify_url(
    db_url: str,
    progress: Progress | None = None,
    should_cancel: ShouldCancel | None = None,
    checkpoint: Path | None = None,
) -> VerifyReport:
    """Verify the database at `db_url` (which must exist): a restored backup."""
    with integrity_at(db_url) as integrity:
        return integrity.verify(progress, should_cancel, checkpoint)
