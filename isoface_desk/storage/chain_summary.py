"""What a checkpoint records about a database (services.checkpoints): the chain head, the
number of signed records and the root key, and a name for where the database lives."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from isoface_desk.storage.audit import chain_head
from isoface_desk.storage.canonical import loads
from isoface_desk.storage.models import AuditEventRow, SignedRecordRow
from isoface_desk.storage.seals import KEY_ISSUED


@dataclass(frozen=True)
class ChainSummary:
    head_seq: int
    head_hash: str
    records: int
    root: str | None  # the first announced key's fingerprint


def chain_summary(session: Session) -> ChainSummary:
    seq, head = chain_head(session)
    records = int(session.scalar(select(func.count()).select_from(SignedRecordRow)) or 0)
    first_key = session.execute(
        select(AuditEventRow.details)
        .where(AuditEventRow.action == KEY_ISSUED)
        .order_by(AuditEventRow.seq)
        .limit(1)
    ).scalar()
    details = loads(first_key) if first_key else {}
    root = details.get("fingerprint") if isinstance(details, dict) else None
    return ChainSummary(seq, head, records, root if isinstance(root, str) else None)


def location_key(db_url: str) -> str:
    """A short name for where the database lives (a file's resolved path, or the server
    URL without its password): checkpoints follow the place, not what the file says."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database:
        where = str(Path(url.database).expanduser().resolve())
    else:
        where = url.set(password=None).render_as_string(hide_password=True)
    return hashlib.sha256(where.encode("utf-8")).hexdigest()[:16]
