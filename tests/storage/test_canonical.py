from __future__ import annotations

import hashlib

import pytest

from isoface_desk.errors import InputError
from isoface_desk.storage.canonical import canonical_json, json_hash, sha256_hex


def test_sorted_keys_no_spaces_utf8() -> None:
    data = canonical_json({"b": [1, 2.5, None, True], "a": {"z": "Иван", "y": "李"}})
    assert data == '{"a":{"y":"李","z":"Иван"},"b":[1,2.5,null,true]}'.encode()


def test_same_value_same_bytes_whatever_the_key_order() -> None:
    assert canonical_json({"x": 1, "y": {"b": 2, "a": 1}}) == canonical_json(
        {"y": {"a": 1, "b": 2}, "x": 1}
    )


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), {"d": object()}, {1: "a", "b": 2}])
def test_unhashable_values_are_refused(bad: object) -> None:
    with pytest.raises(InputError):
        canonical_json(bad)


def test_hashes() -> None:
    assert sha256_hex(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert json_hash({"a": 1}) == hashlib.sha256(b'{"a":1}').hexdigest()
