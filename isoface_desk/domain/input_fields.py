"""Typed reading of JSON input that collects every problem as a `Problem(field.path, what)`.

The rules of docs/check-format.md live here: empty (or blank) text counts as null, null on an
optional field means its default, a whole number written as 30.0 is an integer, booleans
are never numbers, NaN and infinities are errors, dates are exactly YYYY-MM-DD, and keys
given twice in one object (seen by `json_object_hook`) are errors.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Collection
from typing import Any

from isoface_desk.errors import Problem

ROOT = "input"  # the path of a problem with the whole input (not an object, not JSON)
MISSING = "missing"  # what a required value that is not given gets
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_MAX_FLOAT_INT = 10**300


class JsonObject(dict[str, Any]):
    """A JSON object that remembers keys given more than once (json's last one wins)."""

    duplicates: tuple[str, ...] = ()


def json_object_hook(pairs: list[tuple[str, Any]]) -> JsonObject:
    """`object_pairs_hook` for json.loads: keep duplicate keys visible to the validator."""
    obj = JsonObject(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        obj.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
    return obj


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def path_steps(path: str) -> list[tuple[str, int | None]]:
    """The steps of a field path as `join` and `Fields.items` build it, the inverse of
    both: "labs[2].unit" -> [("labs", None), ("", 2), ("unit", None)]."""
    return [(name, int(number) if number else None) for name, number in _STEP.findall(path)]


def json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def shown(value: object) -> str:
    """A short JSON rendering of a bad value for the message."""
    try:
        text = json.dumps(value, ensure_ascii=True, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(value)
    except RecursionError:  # junk nested deeper than the encoder goes: say what it is
        text = json_type(value)
    return text if len(text) <= 40 else text[:37] + "..."


def blank(value: object) -> bool:
    """Null, or text that is empty once spaces are removed (empty text counts as null)."""
    return value is None or (isinstance(value, str) and value.strip() == "")


class Fields:
    """Collects problems while reading values; every reader returns None when it failed."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, path: str, what: str) -> None:
        self.problems.append(Problem(path or ROOT, what))

    def obj(self, value: object, path: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.problem(path, f"expected an object, got {json_type(value)}")
            return None
        for key in getattr(value, "duplicates", ()):
            self.problem(join(path, key), "given more than once")
        return value

    def keys(self, obj: dict[str, Any], known: Collection[str], path: str) -> None:
        for key in sorted(set(obj) - set(known)):
            self.problem(join(path, key), "unknown key")

    def required_obj(
        self, parent: dict[str, Any], key: str, path: str, *, required: bool
    ) -> dict[str, Any] | None:
        value = parent.get(key)
        if value is None:
            if required:
                self.problem(join(path, key), MISSING)
            return None
        return self.obj(value, join(path, key))

    def text(
        self, obj: dict[str, Any], key: str, path: str, *, required: bool = False
    ) -> str | None:
        value = obj.get(key)
        where = join(path, key)
        if blank(value):
            if required:
                self.problem(where, MISSING if value is None else "empty")
            return None
        if not isinstance(value, str):
            self.problem(where, f"expected text, got {json_type(value)}")
            return None
        return value.strip()

    def boolean(self, obj: dict[str, Any], key: str, path: str, *, required: bool = False) -> bool:
        value = obj.get(key)
        if value is None:
            if required:
                self.problem(join(path, key), MISSING)
            return False
        if not isinstance(value, bool):
            self.problem(join(path, key), f"expected true or false, got {shown(value)}")
            return False
        return value

    def number(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        lo: float | None = None,
        hi: float | None = None,
        above: float | None = None,
    ) -> float | None:
        where = join(path, key)
        value = self._present(obj, key, where, required)
        if value is None:
            return None
        number = self.to_float(value, where)
        if number is None:
            return None
        if not _in_range(number, lo, hi, above):
            self.problem(where, f"must be {_range_text(lo, hi, above)}, got {shown(value)}")
            return None
        return number

    def integer(
        self, obj: dict[str, Any], key: str, path: str, lo: int, hi: int, *, required: bool = False
    ) -> int | None:
        where = join(path, key)
        value = self._present(obj, key, where, required)
        return None if value is None else self.to_int(value, where, lo, hi)

    def to_float(self, value: object, where: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(where, f"expected a number, got {json_type(value)}")
            return None
        if isinstance(value, int):
            if abs(value) > _MAX_FLOAT_INT:
                self.problem(where, "number too large")
                return None
            return float(value)
        if not math.isfinite(value):
            self.problem(where, f"expected a finite number, got {shown(value)}")
            return None
        return value

    def to_int(self, value: object, where: str, lo: int, hi: int) -> int | None:
        number = self.to_float(value, where)
        if number is None:
            return None
        if not number.is_integer():
            self.problem(where, f"expected a whole number, got {shown(value)}")
            return None
        whole = int(number)
        if not lo <= whole <= hi:
            self.problem(where, f"must be from {lo} to {hi}, got {shown(value)}")
            return None
        return whole

    def date(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        *,
        required: bool = False,
        not_after: dt.date | None = None,
        echo: bool = True,
    ) -> dt.date | None:
        where = join(path, key)
        value = self._present(obj, key, where, required)
        if value is None:
            return None
        parsed = self.to_date(value, where, echo=echo)
        if parsed is not None and not_after is not None and parsed > not_after:
            when = f"{parsed.isoformat()} is " if echo else ""
            self.problem(where, f"{when}after the visit date {not_after.isoformat()}")
            return None
        return parsed

    def to_date(self, value: object, where: str, *, echo: bool = True) -> dt.date | None:
        got = f", got {shown(value)}" if echo else ""
        if not isinstance(value, str):
            self.problem(where, f"expected a date (YYYY-MM-DD){got}")
            return None
        text = value.strip()
        try:
            if not _DATE.match(text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            self.problem(where, f"not a valid date (YYYY-MM-DD){got}")
            return None

    def choice(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        allowed: Collection[str],
        *,
        required: bool = False,
        what: str = "value",
    ) -> str | None:
        where = join(path, key)
        value = self._present(obj, key, where, required)
        return None if value is None else self.to_choice(value, where, allowed, what)

    def to_choice(
        self, value: object, where: str, allowed: Collection[str], what: str
    ) -> str | None:
        if isinstance(value, str) and value.strip() in allowed:
            return value.strip()
        self.problem(where, f"{shown(value)} is not a known {what} ({', '.join(allowed)})")
        return None

    def items(self, obj: dict[str, Any], key: str, path: str) -> list[tuple[str, Any]]:
        """The entries of an optional list as (path[i], entry); null means an empty list."""
        where = join(path, key)
        value = obj.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(where, f"expected a list, got {json_type(value)}")
            return []
        return [(f"{where}[{i}]", item) for i, item in enumerate(value)]

    def codes(
        self, obj: dict[str, Any], key: str, path: str, allowed: Collection[str], what: str
    ) -> tuple[str, ...]:
        out = [self.to_choice(v, p, allowed, what) for p, v in self.items(obj, key, path)]
        return tuple(c for c in out if c is not None)

    def _present(self, obj: dict[str, Any], key: str, where: str, required: bool) -> object:
        value = obj.get(key)
        if blank(value):
            if required:
                self.problem(where, MISSING if value is None else "empty")
            return None
        return value


def _in_range(n: float, lo: float | None, hi: float | None, above: float | None) -> bool:
    return (lo is None or n >= lo) and (hi is None or n <= hi) and (above is None or n > above)


def _range_text(lo: float | None, hi: float | None, above: float | None) -> str:
    def fmt(x: float) -> str:
        return f"{x:g}"

    parts = []
    if above is not None:
        parts.append(f"above {fmt(above)}")
    if lo is not None:
        parts.append(f"at least {fmt(lo)}")
    if hi is not None:
        parts.append(f"at most {fmt(hi)}")
    if lo is not None and hi is not None and above is None:
        return f"from {fmt(lo)} to {fmt(hi)}"
    return " and ".join(parts)
