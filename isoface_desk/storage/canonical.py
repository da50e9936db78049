"""Canonical bytes and SHA-256 hashes: what is signed and chained is exactly these bytes.

`canonical_json` is deterministic for the same value on every machine: keys sorted, no
whitespace, UTF-8 (names in any script stay as they are, not \\u-escaped), and no NaN or
infinity (JSON has no such numbers; accepting them would make hashes unverifiable
elsewhere). Dates and datetimes must be turned into ISO strings by the caller, so that the
hashed text is never a guess of how a library renders them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from isoface_desk.errors import InputError

#: The previous hash of the first audit event.
GENESIS_HASH = "0" * 64


def canonical_json(obj: Any) -> bytes:
    """The canonical UTF-8 JSON bytes of `obj` (dicts, lists, str, int, float, bool, None)."""
    try:
        text = json.dumps(
            obj,
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            allow_nan=False,
        )
    except ValueError as exc:
        raise InputError(f"value cannot be hashed: {exc}") from exc
    except TypeError as exc:
        raise InputError(f"value cannot be hashed: {exc}") from exc
    return text.encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """Lower-case hexadecimal SHA-256 of `data` (64 characters)."""
    return hashlib.sha256(data).hexdigest()


def json_hash(obj: Any) -> str:
    """SHA-256 of the canonical JSON bytes of `obj`."""
    return sha256_hex(canonical_json(obj))


def loads(data: bytes | str) -> Any:
    """Parse JSON written by `canonical_json` (or any JSON)."""
    return json.loads(data)
