"""Describe a database URL for people (status bar, about box) without its password."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    scheme, sep, rest = url.partition(":///")
    if not sep or scheme.split("+")[0] != "sqlite":
        return None
    path = unquote(rest.split("?")[0])
    if not path or path == ":memory:":
        return None
    return Path(path)


def describe_database(url: str) -> str:
    """'SQLite file /home/…/isoface.sqlite3' or 'PostgreSQL database clinic on db1:5432'.

    The user name and password of a server URL are never included.
    """
    path = sqlite_file(url)
    if path is not None:
        return f"SQLite file {path}"
    parts = urlsplit(url)
    kind = parts.scheme.split("+")[0]
    if kind.startswith("sqlite"):
        return "SQLite in memory"
    names = {"postgresql": "PostgreSQL", "postgres": "PostgreSQL"}
    label = names.get(kind, kind or "unknown")
    database = parts.path.lstrip("/") or "(default)"
    host = parts.hostname or "local socket"
    where = f"{host}:{parts.port}" if parts.port else host
    return f"{label} database {database} on {where}"
