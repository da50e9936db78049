"""Storage handle types for annotations in the services layer.

Only storage/ may import SQLAlchemy (tests/test_layering.py). Services still hold an engine
and pass sessions to repositories, so they name these types through this module.
"""

from __future__ import annotations

from sqlalchemy import Engine as Engine
from sqlalchemy.orm import Session as Session

__all__ = ["Engine", "Session"]
