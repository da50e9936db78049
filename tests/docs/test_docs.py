"""The docs in the repository say what the code does: docs/rules.md is exactly what
`isoface-desk rules --markdown` prints from forms/, the examples of docs/check-format.md
run through the real engine, docs/architecture.md names every layer of the layering test,
and the links between the pages lead somewhere."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from isoface_desk.cli import main
from isoface_desk.domain.catalog import default_catalog, load_catalog
from isoface_desk.domain.check_input import json_object_hook, parse_visit
from isoface_desk.domain.engine import evaluate, evaluation_to_dict
from isoface_desk.domain.findings import CODES
from isoface_desk.domain.rules_doc import REGENERATE, documented_codes, rules_markdown
from tests.test_layering import ALLOWED

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
RULES_MD = DOCS / "rules.md"
STALE = f"docs/rules.md is stale: run {REGENERATE}"


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def repo_forms(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reference is of the forms shipped in the repository, whatever the environment."""
    monkeypatch.delenv("ISOFACE_FORMS_DIR", raising=False)


@pytest.mark.usefixtures("repo_forms")
def test_rules_md_is_what_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["rules", "--markdown"], capsys)
    assert (code, err) == (0, "")
    assert RULES_MD.read_text(encoding="utf-8") == out, STALE


def test_the_command_in_a_child_process(cli_env: dict[str, str]) -> None:
    cli_env.pop("ISOFACE_FORMS_DIR", None)
    runs = [
        subprocess.run(
            [sys.executable, "-m", "isoface_desk", "rules", *extra],
            capture_output=True,
            timeout=60,
            cwd=ROOT,
            env=cli_env,
            check=False,
        )
        for extra in (["--markdown"], [])
    ]
    markdown, listing = runs
    assert markdown.returncode == 0 and markdown.stderr == b"", markdown.stderr
    assert markdown.stdout.decode("utf-8") == RULES_MD.read_text(encoding="utf-8"), STALE
    assert listing.returncode == 0 and listing.stderr == b"", listing.stderr
    lines = listing.stdout.decode("utf-8").splitlines()
    first_words = [line.split(" ")[0] for line in lines]
    for code in CODES:
        assert code in first_words, code
    for profile_id in default_catalog().profiles:
        assert profile_id in first_words, profile_id
    assert len(lines) < 60  # a short listing, not the reference


def test_every_rule_is_described_once_in_the_engine_order() -> None:
    assert documented_codes() == CODES
    text = RULES_MD.read_text(encoding="utf-8")
    headings = re.findall(r"^### ([A-Z0-9_]+)$", text, flags=re.MULTILINE)
    assert headings == list(CODES)


@pytest.mark.usefixtures("repo_forms")
def test_the_reference_follows_the_forms_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A number changed in a profile file shows in the reference (and makes the checked-in
    file stale); the numbers are read from forms/, not written in the text."""
    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    profile = forms / "profiles" / "uk-mhra-2026.toml"
    text = profile.read_text(encoding="utf-8")
    assert "test_window_days = 3\n" in text
    profile.write_text(text.replace("test_window_days = 3\n", "test_window_days = 5\n"))
    monkeypatch.setenv("ISOFACE_FORMS_DIR", str(forms))
    code, out, err = run_cli(["rules", "--markdown"], capsys)
    assert (code, err) == (0, "")
    assert "| uk-mhra-2026 | 5 |" in out
    assert "| uk-mhra-2026 | 3 |" in RULES_MD.read_text(encoding="utf-8")
    assert out != RULES_MD.read_text(encoding="utf-8")
    assert rules_markdown(load_catalog(forms)) == out  # the same text in and out of the CLI


def test_a_broken_forms_folder_is_reported_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    forms = tmp_path / "forms"
    shutil.copytree(ROOT / "forms", forms)
    (forms / "profiles" / "eu-ppp-2018.toml").write_text("id = 3\n")
    monkeypatch.setenv("ISOFACE_FORMS_DIR", str(forms))
    code, out, err = run_cli(["rules"], capsys)
    assert code == 1 and out == ""
    assert err.startswith("isoface-desk: ") and "profiles/eu-ppp-2018.toml" in err
    assert "Traceback" not in err


def _json_blocks(markdown: str) -> list[object]:
    blocks = re.findall(r"```json\n(.*?)\n```", markdown, flags=re.DOTALL)
    return [json.loads(block, object_pairs_hook=json_object_hook) for block in blocks]


@pytest.mark.usefixtures("repo_forms")
def test_the_check_format_example_gives_the_output_shown() -> None:
    visit_json, result_json = _json_blocks((DOCS / "check-format.md").read_text("utf-8"))
    catalog = default_catalog()
    got = evaluation_to_dict(evaluate(parse_visit(visit_json, catalog), catalog))
    assert got == result_json


def test_architecture_names_every_layer_of_the_layering_test() -> None:
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    for layer in ALLOWED:
        if layer not in ("__init__", "__main__"):
            assert f"`{layer}" in text, layer
    for group in ("access", "clinic", "care", "visits", "labs", "audit"):
        assert f"`{group}/`" in text, group


@pytest.mark.parametrize(
    "page", ["docs/rules.md", "docs/check-format.md", "docs/architecture.md", "CONTRIBUTING.md"]
)
def test_relative_links_lead_to_files(page: str) -> None:
    path = ROOT / page
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text(encoding="utf-8"))
    local = [link for link in links if "://" not in link]
    assert local, f"{page} links to nothing"
    for link in local:
        assert (path.parent / link).exists(), f"{page}: {link} does not exist"
