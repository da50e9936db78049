"""Typed errors raised by the lower layers; the UI and the CLI turn them into messages.

Every error carries a plain-language message for people. None of them may carry patient
identity (names, birth dates): use record ids.
"""

from __future__ import annotations


class IsofaceError(Exception):
    """Base of every expected failure. The message is shown to people as it is."""


class InputError(IsofaceError):
    """Bad input from a person or a file. `problems` holds one line per problem."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


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
