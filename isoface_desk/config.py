"""Where things live: data directory, default database URL, forms and resources folders."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

APP_NAME = "isoface-desk"
APP_AUTHOR = "Isoface"

#: The source tree's root, holding forms/ and resources/ in a checkout (editable install).
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shipped_data(name: str) -> Path:
    """The folder `name` (forms or resources) the app runs with.

    A wheel or a PyInstaller bundle carries both inside the package, as
    isoface_desk/_data/<name> (pyproject's force-include); a checkout or an editable
    install has no _data and reads the folders at the top of the source tree, where the
    repository keeps them."""
    inside = resources.files("isoface_desk") / "_data" / name
    if isinstance(inside, Path) and inside.is_dir():
        return inside
    return PROJECT_ROOT / name


def forms_dir() -> Path:
    """The forms/ folder: ISOFACE_FORMS_DIR if set, else the shipped one."""
    override = os.environ.get("ISOFACE_FORMS_DIR")
    return Path(override) if override else shipped_data("forms")


def resources_dir() -> Path:
    """The resources/ folder (fonts, the application icon)."""
    return shipped_data("resources")


def icon_path() -> Path:
    """The application icon's SVG (resources/icons), for the window and the bundle."""
    return resources_dir() / "icons" / "isoface-desk.svg"


def data_dir() -> Path:
    """The per-user data directory (ISOFACE_DATA_DIR overrides it, for tests and kiosks)."""
    override = os.environ.get("ISOFACE_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, APP_AUTHOR))


def ensure_data_dir() -> Path:
    """The data directory, created private to the user (0700) when it does not exist: it
    holds the database, the log and the demo database. (storage.db and app tighten an
    existing one that group or others may read.)"""
    folder = data_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def default_db_url() -> str:
    """ISOFACE_DB_URL, else a SQLite file in the user data directory."""
    env = os.environ.get("ISOFACE_DB_URL")
    if env:
        return env
    return sqlite_url(data_dir() / "isoface.sqlite3")


#: The demo clinics `--demo --country` and `seed-demo --country` can make
#: (devtools/demo_country.py). The Colombian demo ("co") is written but not offered until
#: the co-2026 profile it works under is in forms/profiles (issue 13, in progress).
DEMO_COUNTRIES = ("default",)


def demo_db_url(country: str = "default") -> str:
    """The demo database of `country` in the user data folder (one file per country)."""
    name = "demo.sqlite3" if country == "default" else f"demo-{country}.sqlite3"
    return sqlite_url(data_dir() / name)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"
