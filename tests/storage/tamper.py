"""What an attacker with raw database access would do: drop the append-only triggers, then
change rows behind the application's back with plain SQL."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, create_engine, text

from isoface_desk.storage.models import APPEND_ONLY_TABLES


def raw_engine(url: str) -> Engine:
    """A plain SQLAlchemy engine, none of the application's settings or guards."""
    return create_engine(url)


def drop_guards(conn: Connection) -> None:
    for table in APPEND_ONLY_TABLES:
        if conn.dialect.name == "sqlite":
            for verb in ("update", "delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS trg_{table}_no_{verb}"))
        else:
            conn.execute(text(f"DROP TRIGGER IF EXISTS trg_{table}_append_only ON {table}"))


def edit_content(conn: Connection, record_id: int, *, rehash: bool = False) -> None:
    """Change the signed content; with `rehash`, also store a matching content_hash."""
    content = conn.execute(
        text("SELECT content FROM signed_record WHERE id = :id"), {"id": record_id}
    ).scalar_one()
    forged = bytes(content).replace(b'"allowed"', b'"blocked"')
    assert forged != bytes(content)
    conn.execute(
        text("UPDATE signed_record SET content = :c WHERE id = :id"), {"c": forged, "id": record_id}
    )
    if rehash:
        import hashlib

        conn.execute(
            text("UPDATE signed_record SET content_hash = :h WHERE id = :id"),
            {"h": hashlib.sha256(forged).hexdigest(), "id": record_id},
        )


def edit_verdict_column(conn: Connection, record_id: int) -> None:
    conn.execute(
        text("UPDATE signed_record SET verdict = 'blocked' WHERE id = :id"), {"id": record_id}
    )


def alter_pdf(conn: Connection, record_id: int) -> None:
    pdf = conn.execute(
        text("SELECT pdf FROM signed_record_pdf WHERE record_id = :id"), {"id": record_id}
    ).scalar_one()
    forged = bytes(pdf)[:-1] + b"X"
    conn.execute(
        text("UPDATE signed_record_pdf SET pdf = :p WHERE record_id = :id"),
        {"p": forged, "id": record_id},
    )


def delete_event(conn: Connection, seq: int) -> None:
    conn.execute(text("DELETE FROM audit_event WHERE seq = :s"), {"s": seq})


def edit_event(conn: Connection, seq: int) -> None:
    conn.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE seq = :s"), {"s": seq})


def swap_events(conn: Connection, a: int, b: int) -> None:
    """Reorder the chain: events a and b exchange places."""
    for old, new in ((a, -1), (b, a), (-1, b)):
        conn.execute(text("UPDATE audit_event SET seq = :n WHERE seq = :o"), {"n": new, "o": old})


def delete_record(conn: Connection, record_id: int) -> None:
    conn.execute(text("DELETE FROM signed_record_pdf WHERE record_id = :id"), {"id": record_id})
    conn.execute(text("DELETE FROM signed_record WHERE id = :id"), {"id": record_id})


def rehash_event(conn: Connection, seq: int) -> None:
    """Edit an event and recompute its own hash, as a careful attacker would."""
    from isoface_desk.storage.audit import event_hash

    row = conn.execute(text("SELECT * FROM audit_event WHERE seq = :s"), {"s": seq}).one()
    time = row.time
    if isinstance(time, str):  # SQLite through a plain engine: naive UTC text
        import datetime as dt

        time = dt.datetime.fromisoformat(time).replace(tzinfo=dt.UTC)
    digest = event_hash(
        seq=seq,
        time=time,
        actor="mallory",
        action=row.action,
        target_kind=row.target_kind,
        target_id=row.target_id,
        details_json=row.details,
        prev_hash=row.prev_hash,
    )
    conn.execute(
        text("UPDATE audit_event SET actor = 'mallory', hash = :h WHERE seq = :s"),
        {"h": digest, "s": seq},
    )
