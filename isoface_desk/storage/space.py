"""Telling a full disk from other write failures, and saying which disk it is.

SQLite reports a write that ran out of space either as "database or disk is full" or, when
the failing write was to the -wal or -shm file or an fsync, only as "disk I/O error"; an
ordinary file write gives ENOSPC. The person can act only on a message that says "no
space" and names the place, so `no_space_error(folder)` names the folder and the mount
point holding it, and `is_out_of_space(folder)` checks the free space that is left there
when the driver gave only the vaguer error.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from isoface_desk.errors import StorageError

#: Below this much free space a failed write is taken to have failed for want of space.
LOW_SPACE_BYTES = 1024 * 1024

_FULL_MARKERS = ("disk is full", "no space left", "could not extend file")


def says_full(text: str) -> bool:
    """True when a driver's message itself says the disk is full."""
    lowered = text.lower()
    return any(marker in lowered for marker in _FULL_MARKERS)


def is_full_os_error(err: BaseException) -> bool:
    return isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT)


def free_bytes(folder: Path) -> int | None:
    """Bytes this process may still write under `folder` (None when it cannot be told)."""
    try:
        stats = os.statvfs(_existing(folder))
    except (OSError, AttributeError):  # AttributeError: no statvfs (Windows)
        return None
    blocks = stats.f_bfree if _is_root() else stats.f_bavail  # root may use reserved blocks
    return blocks * stats.f_frsize


def is_out_of_space(folder: Path | None) -> bool:
    """True when the disk holding `folder` has (almost) no free space left."""
    if folder is None:
        return False
    free = free_bytes(folder)
    return free is not None and free < LOW_SPACE_BYTES


def mount_point(folder: Path) -> Path:
    """The mount point of the file system holding `folder`."""
    here = _existing(folder).absolute()
    while not os.path.ismount(here) and here.parent != here:
        here = here.parent
    return here


def no_space_error(folder: Path | None) -> StorageError:
    """The message for a write that failed because the disk is full."""
    if folder is None:
        return StorageError(
            "No space left on the disk holding the database: nothing was saved. Free some "
            "space there, then try again."
        )
    mount = mount_point(folder)
    disk = "the disk" if mount == Path(folder).absolute() else f"the disk holding {folder}"
    return StorageError(
        f"No space left on {mount}: {disk} is full, so nothing was saved. Free some space "
        "there, then try again."
    )


def _existing(folder: Path) -> Path:
    """`folder`, or its nearest existing parent (statvfs needs an existing path)."""
    here = Path(folder).expanduser().absolute()
    while not here.exists() and here.parent != here:
        here = here.parent
    return here


def _is_root() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0
