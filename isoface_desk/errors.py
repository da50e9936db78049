"""Typed errors raised by the lower layers; the UI and the CLI turn them into messages.

Every error carries a plain-language message for people. None of them may carry patient
identity (names, birth dates): use record ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class IsofaceError(Exception):
    """Base of every expected failure. The message is shown to people as it is."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: the field path it is about (None when it is about no
    one field) and what is wrong. Readers use `path` as it is and never parse the text."""

    path: str | None
    message: str

    def __str__(self) -> str:
        return self.message if self.path is None else f"{self.path}: {self.message}"


class InputError(IsofaceError):
    """Bad input from a person or a file. `items` holds one `Problem` per problem, and
    `problems` the same as text lines ("path: message"), for messages and listings.
    A plain text given is a problem about no one field."""

    def __init__(self, problems: Iterable[Problem | str] | Problem | str) -> None:
        given = [problems] if isinstance(problems, (str, Problem)) else list(problems)
        self.items: tuple[Problem, ...] = tuple(_problem(p) for p in given)
        self.problems: list[str] = [str(p) for p in self.items]
        super().__init__("\n".join(self.problems))


def _problem(given: Problem | str) -> Problem:
    return given if isinstance(given, Problem) else Problem(None, given)


class FormDataError(InputError):
    """A file under forms/ is invalid; each problem names the file, the key and what is wrong."""


class AccessDenied(IsofaceError):
    """The signed-in user's role may not do this."""


class AuthenticationError(IsofaceError):
    """Wrong user name or password, or a locked account."""


class NotFound(IsofaceError):
    """A record, patient or user that was asked for does not exist."""


class ImmutableRecordError(IsofaceError):
    """An attempt to change or delete a signed record (corrections are new records)."""


class IntegrityError(IsofaceError):
    """Stored data does not match its hashes, or the audit chain is broken."""


class StorageError(IsofaceError):
    """The database could not be used: locked, full, unreachable or too new."""


class CommitAtRiskError(StorageError):
    """A change was committed, but another program removed the file holding it before it
    reached the database file: the person must check it (see storage/wal_guard.py)."""


class ConflictError(IsofaceError):
    """Someone else saved the same thing (on another workstation) after this person opened
    it: nothing of this person's change was stored, so they can reopen it and see theirs."""
