"""Integrity verification: records, PDFs and the audit chain. Needs no login: it reads only
hashes and ids and reports no patient data, so anyone may run it (auditor, inspector)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from isoface_desk.storage.db import Engine, make_engine, require_existing
from isoface_desk.storage.integrity import (
    CHAIN_REORDERED,
    CONTENT_EDITED,
    EVENT_EDITED,
    EVENT_MISSING,
    PDF_ALTERED,
    RECORD_MISSING,
    Problem,
    Progress,
    ShouldCancel,
    VerifyReport,
    verify_database,
)
from isoface_desk.storage.migrate import ensure_schema

__all__ = [
    "CHAIN_REORDERED",
    "CONTENT_EDITED",
    "EVENT_EDITED",
    "EVENT_MISSING",
    "PDF_ALTERED",
    "RECORD_MISSING",
    "IntegrityService",
    "Problem",
    "VerifyReport",
    "integrity_at",
    "verify_url",
]


class IntegrityService:
    """For the app: verify the open database, with progress and cancel (run it off the UI
    thread; the callbacks are called from that thread)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def verify(
        self, progress: Progress | None = None, should_cancel: ShouldCancel | None = None
    ) -> VerifyReport:
        ensure_schema(self._engine)
        return verify_database(self._engine, progress, should_cancel)


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
    db_url: str, progress: Progress | None = None, should_cancel: ShouldCancel | None = None
) -> VerifyReport:
    """Verify the database at `db_url` (which must exist): a restored backup."""
    with integrity_at(db_url) as integrity:
        return integrity.verify(progress, should_cancel)
