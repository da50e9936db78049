"""Atomic file writes shared by services (exports, reports) and storage (backups).

A shared leaf like errors.py and config.py (tests/test_layering.py lets every layer import
it): storage may not import services, so the primitive lives below both. A write is a
fully written, flushed temporary file beside the target, renamed over it with os.replace,
and the folder fsynced where the system allows it, so the target holds either its old
content or all of the new.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from isoface_desk.errors import InputError


def checked_target(out: Path) -> Path:
    """`out` with ~ expanded, refused if it is a folder or its folder does not exist."""
    target = Path(out).expanduser()
    if target.is_dir():
        raise InputError(f"{target} is a folder: give a file name.")
    if not target.parent.is_dir():
        raise InputError(f"The folder {target.parent} does not exist.")
    return target


def write_temp(target: Path, data: bytes) -> Path:
    """A fully written and flushed temporary file beside `target` (mode 0600)."""
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise InputError(f"Cannot write in {target.parent}: {exc.strerror or exc}.") from exc
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise InputError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def replace_durably(temp: Path, target: Path) -> None:
    """Rename `temp` over `target` and fsync the folder."""
    try:
        os.replace(temp, target)
    except OSError as exc:
        raise InputError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
    fsync_folder(target.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename durable where the system allows it (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that it holds either its old content or all of `data`."""
    target = checked_target(path)
    temp = write_temp(target, data)
    try:
        replace_durably(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
