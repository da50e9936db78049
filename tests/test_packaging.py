"""The wheel carries forms, fonts, the icon and the migrations, and finds them once
installed; the icon's sizes; the desktop entry; the window's quit-after-show hook.

The full round trip (a fresh venv outside the checkout, the CLI run from there, the
PyInstaller bundle) is .ci/wheel and .ci/bundle; here the wheel is built once and unpacked
onto sys.path of a child Python, which is what an installed wheel is."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from isoface_desk import app as app_module
from isoface_desk import config

ROOT = config.PROJECT_ROOT
DATA = "isoface_desk/_data"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def files_under(folder: Path) -> list[str]:
    """Every file below `folder`, relative and in posix form, without bytecode caches."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built by pip from the checkout (hatchling comes from the registry)."""
    out = tmp_path_factory.mktemp("wheel")
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(ROOT)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    (built,) = out.glob("isoface_desk-*.whl")
    return built


@pytest.fixture(scope="module")
def names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.mark.slow
def test_wheel_ships_every_form_font_and_icon(names: set[str]) -> None:
    for folder, inside in [
        (ROOT / "forms", f"{DATA}/forms"),
        (ROOT / "resources" / "fonts", f"{DATA}/resources/fonts"),
        (ROOT / "resources" / "icons", f"{DATA}/resources/icons"),
    ]:
        expected = {f"{inside}/{name}" for name in files_under(folder)}
        assert expected and expected <= names, sorted(expected - names)
    assert f"{DATA}/forms/profiles/uk-mhra-2026.toml" in names
    assert f"{DATA}/resources/fonts/DejaVuSans.ttf" in names


@pytest.mark.slow
def test_wheel_ships_the_migrations_as_files(names: set[str]) -> None:
    folder = ROOT / "isoface_desk" / "storage" / "migrations"
    expected = {f"isoface_desk/storage/migrations/{name}" for name in files_under(folder)}
    assert "isoface_desk/storage/migrations/script.py.mako" in expected
    assert any("/versions/0001_" in name for name in expected)
    assert expected <= names, sorted(expected - names)


@pytest.mark.slow
def test_wheel_leaves_out_screenshots_and_caches(names: set[str]) -> None:
    left_in = ("/resources/screenshots/", "__pycache__", "/tests/")
    assert not [n for n in names if any(part in n for part in left_in)]


def unpacked_python(wheel: Path, target: Path, code: str) -> subprocess.CompletedProcess[str]:
    """`code` run by a child Python that imports isoface_desk from the unpacked wheel,
    with the checkout nowhere on its path and a working folder outside it."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target / "site")
    env = {k: v for k, v in os.environ.items() if k != "ISOFACE_FORMS_DIR"}
    env["PYTHONPATH"] = str(target / "site")
    env["ISOFACE_DATA_DIR"] = str(target / "data")
    cmd = [sys.executable, "-c", code]
    return subprocess.run(
        cmd, cwd=target, env=env, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.slow
def test_installed_wheel_reads_its_own_forms_and_fonts(wheel: Path, tmp_path: Path) -> None:
    code = (
        "import sys; from isoface_desk import config; "
        "from isoface_desk.domain.forms_check import check_forms; "
        "print(config.__file__); print(config.forms_dir()); print(config.resources_dir()); "
        "print(len(check_forms(config.forms_dir())))"
    )
    done = unpacked_python(wheel, tmp_path, code)
    assert done.returncode == 0, done.stderr[-3000:]
    module, forms, resources, problems = done.stdout.split("\n")[:4]
    site = tmp_path / "site"
    assert Path(module) == site / "isoface_desk" / "config.py"
    assert Path(forms) == site / "isoface_desk" / "_data" / "forms"
    assert Path(resources) == site / "isoface_desk" / "_data" / "resources"
    assert problems == "0"


def test_checkout_reads_the_top_level_folders() -> None:
    """No _data in the source tree (a checkout, an editable install): the repo's folders."""
    assert not (ROOT / "isoface_desk" / "_data").exists()
    assert config.shipped_data("forms") == ROOT / "forms"
    assert config.resources_dir() == ROOT / "resources"
    assert config.icon_path().is_file()


def test_forms_dir_override_is_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ISOFACE_FORMS_DIR", str(tmp_path))
    assert config.forms_dir() == tmp_path
    monkeypatch.setenv("ISOFACE_FORMS_DIR", "")
    assert config.forms_dir() == config.shipped_data("forms")


def test_icon_pngs_have_their_sizes_and_the_ico_all_of_them() -> None:
    folder = config.icon_path().parent
    for size in ICON_SIZES:
        image = QImage(str(folder / f"isoface-desk-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
        assert image.hasAlphaChannel()
    ico = (folder / "isoface-desk.ico").read_bytes()
    assert ico[:4] == b"\x00\x00\x01\x00"  # ICONDIR, type 1 (icon)
    assert int.from_bytes(ico[4:6], "little") == len(ICON_SIZES)
    assert (folder / "isoface-desk.icns").read_bytes()[:4] == b"icns"


def test_window_icon_has_every_size(qapp: QApplication) -> None:
    app_module.create_application([sys.argv[0]])
    sizes = qapp.windowIcon().availableSizes()
    assert {QSize(s, s) for s in ICON_SIZES} <= set(sizes)


DESKTOP = ROOT / "packaging" / "isoface-desk.desktop"


def test_desktop_entry_keys() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DESKTOP, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Isoface Desk"
    assert entry["Exec"] == config.APP_NAME  # the console script pyproject installs
    assert entry["Icon"] == config.icon_path().stem  # the icon's name, themed or bundled
    assert entry["StartupWMClass"] == config.APP_NAME  # app.setDesktopFileName
    assert entry["Terminal"] == "false"
    assert entry["Categories"].endswith(";")


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="desktop-file-validate (Debian's desktop-file-utils) is not installed",
)
def test_desktop_entry_validates() -> None:
    done = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout == "", done.stdout + done.stderr


@pytest.mark.slow
def test_quit_after_show_opens_the_window_and_exits_0(tmp_path: Path) -> None:
    """The hook .ci/bundle starts the real window with: a child process, offscreen."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ISOFACE_DATA_DIR=str(tmp_path))
    env[app_module.QUIT_AFTER_SHOW] = "1"
    cmd = [sys.executable, "-m", "isoface_desk", "--db", f"sqlite:///{tmp_path}/clinic.sqlite3"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    log = (tmp_path / "logs" / "isoface.log").read_text(encoding="utf-8")
    assert "window shown, quitting" in log
    assert log.rstrip().endswith("INFO isoface.app: stopped")
