"""Integrity verification: records, PDFs, seals, the audit chain, and the newest checkpoint
found outside the database (services.checkpoints). Needs no login: it reads only hashes,
ids and public certificates and reports no patient data, so anyone may run it (auditor,
inspector)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from isoface_desk.services.audit.checkpoints import Found, found_in, local_folder
from isoface_desk.services.audit.checkpoints import read as read_checkpoint
from isoface_desk.services.context import Clock, utc_now
from isoface_desk.storage.db import Engine, make_engine, require_existing
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

NO_CHECKPOINT = (
    "no checkpoint found: cutting off the newest events or replacing the whole database "
    "cannot be detected without one (every backup and audit PDF report writes one)"
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
        """Verify everything against `checkpoint` (a file given by hand), else against every
        checkpoint in this database's checkpoint folder; the report says which."""
        ensure_schema(self._engine)
        if checkpoint is not None:
            found = Found((read_checkpoint(checkpoint),), ())
        else:
            found = found_in([self._checkpoint_folder()])
        anchors = [c.anchor for c in found.checkpoints]
        report = verify_database(self._engine, progress, should_cancel, anchors)
        refused = (Problem(CHECKPOINT_MISMATCH, "event", 0, why) for why in found.refused)
        problems = (*report.problems, *refused)
        return replace(report, problems=tuple(problems), checkpoint=_described(found, self._now()))

    def _checkpoint_folder(self) -> Path:
        """Where this database's checkpoints are kept: its folder in the user's data folder
        (every backup and audit report writes one there). Never a folder the database
        itself names: someone holding the file could point it at checkpoints of their own."""
        return local_folder(self._engine.url.render_as_string(hide_password=True))


def _described(found: Found, now: dt.datetime) -> str:
    newest = found.newest
    if newest is None:
        return NO_CHECKPOINT
    more = len(found.checkpoints) - 1
    return newest.describe(now) + (f" (and {more} older)" if more else "")


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
