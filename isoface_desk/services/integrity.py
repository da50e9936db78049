"""Integrity verification: records, PDFs and the audit chain. Needs no login: it reads only
hashes and ids and reports no patient data, so anyone may run it (auditor, inspector)."""

from __future__ import annotations

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


def verify_url(
    db_url: str, progress: Progress | None = None, should_cancel: ShouldCancel | None = None
) -> VerifyReport:
    """For the CLI: verify the database at `db_url` (which must exist)."""
    require_existing(db_url)
    engine = make_engine(db_url)
    try:
        return IntegrityService(engine).verify(progress, should_cancel)
    finally:
        engine.dispose()
