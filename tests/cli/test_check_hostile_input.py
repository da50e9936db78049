"""`isoface-desk check` on hostile input found by the conformance review: numbers too long
for Python's int conversion, a huge (valid) cumulative dose, and deeply nested junk under a
known key. Each must give exit 2 with field lines (or exit 0 for valid input), never a
traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from isoface_desk.cli import main
from isoface_desk.domain.input_fields import shown
from isoface_desk.domain.samples import clear_visit


def check_raw(tmp_path: Path, raw: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    path = tmp_path / "visit.json"
    path.write_text(raw, encoding="utf-8")
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


def test_an_integer_too_long_to_convert_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = json.dumps(clear_visit()).replace('"weight_kg": 71.5', '"weight_kg": 1' + "0" * 5000)
    code, out, err = check_raw(tmp_path, raw, capsys)
    assert (code, out) == (2, "")
    assert err.startswith("input: not valid JSON") and "Traceback" not in err


@pytest.mark.parametrize("cumulative", ["1e308", "1" + "0" * 299])
def test_a_huge_cumulative_dose_is_valid_and_reported(
    cumulative: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = json.dumps(clear_visit("us-ipledge-2026", "follow-up")).replace(
        '"cumulative_mg": 0', f'"cumulative_mg": {cumulative}'
    )
    code, out, err = check_raw(tmp_path, raw, capsys)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert [f["code"] for f in result["findings"]] == ["CUMULATIVE_ABOVE_TARGET"]
    assert result["dose"]["cumulative_mg_per_kg"] == pytest.approx(float(cumulative) / 71.5)


@pytest.mark.parametrize(
    ("field", "old"),
    [
        ("patient.pregnant", '"pregnant": false'),
        ("patient.potential_reason", '"potential_reason": null'),
        ("visit.date", '"date": "2026-10-12"'),
    ],
)
def test_deeply_nested_junk_under_a_known_key_is_one_problem_line(
    field: str, old: str, cli_env: dict[str, str]
) -> None:
    # Through a real process, just under the depth json.loads accepts there (the unit test
    # below goes deeper than the recursion limit).
    key = old.split(":")[0]
    raw = json.dumps(clear_visit()).replace(old, f"{key}: " + "[" * 985 + "]" * 985, 1)
    done = subprocess.run(
        [sys.executable, "-m", "isoface_desk", "check", "-"],
        input=raw.encode(),
        capture_output=True,
        env=cli_env,
        timeout=60,
        check=False,
    )
    err = done.stderr.decode()
    assert (done.returncode, done.stdout) == (2, b""), err
    assert err.startswith(f"{field}: ") and "Traceback" not in err


def test_shown_survives_nesting_deeper_than_the_recursion_limit() -> None:
    value: list[object] = []
    for _ in range(sys.getrecursionlimit() + 10):
        value = [value]
    text = shown(value)
    assert 0 < len(text) <= 40
