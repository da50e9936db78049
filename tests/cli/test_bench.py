"""`isoface-desk bench --quick` runs every registered benchmark and prints its figures."""

from __future__ import annotations

import argparse
import re

import pytest

from isoface_desk.cli import main
from isoface_desk.cli.bench import BENCHMARKS, run
from isoface_desk.errors import InputError


def test_bench_quick_prints_rate_floor_and_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "--quick"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == list(BENCHMARKS)
    pattern = re.compile(r"^\w+: .+ [\d,]+; floor \(.+\) [\d,]+/s; ratio \d+\.\d{3}$")
    for line in lines:
        assert pattern.match(line), line
        rate = float(line.split("; floor")[0].rsplit(" ", 1)[1].replace(",", ""))
        assert rate > 0


def test_bench_names_one_benchmark_and_rejects_unknown_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["bench", "--quick", "engine"]) == 0
    assert capsys.readouterr().out.startswith("engine: evaluate() visits/s ")
    with pytest.raises(InputError, match="unknown benchmark nope"):
        run(argparse.Namespace(names=["nope"], quick=True))
