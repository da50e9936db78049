"""At start, the passphrase of an encrypted database (SQLCipher): asked once, kept in this
process only. A new encrypted database asks twice: that is where the administrator sets
the passphrase at setup (see README, "Encryption at rest")."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from isoface_desk.errors import StorageError
from isoface_desk.services.clinic.encryption import (
    MIN_PASSPHRASE,
    is_new,
    needs_passphrase,
    remember_passphrase,
)

Ask = Callable[[QWidget | None, str], str | None]


def ask_secret(parent: QWidget | None, prompt: str) -> str | None:
    text, ok = QInputDialog.getText(parent, "Encrypted database", prompt,
                                    QLineEdit.EchoMode.Password)  # fmt: skip
    return text if ok else None


def unlock_database(db_url: str, parent: QWidget | None, ask: Ask = ask_secret) -> None:
    """Ask for the passphrase of an encrypted database if it is not known yet;
    StorageError when none is given (the app then opens without a database)."""
    if not needs_passphrase(db_url):
        return
    if is_new(db_url):
        first = ask(parent, f"Choose the passphrase that encrypts this new database (at least "
                            f"{MIN_PASSPHRASE} characters). Without it the data cannot be read: "
                            "keep it safe.")  # fmt: skip
        again = ask(parent, "Type the passphrase again.") if first else None
        if first and again != first:
            raise StorageError("The two passphrases differ: nothing was created.")
    else:
        first = ask(parent, "This database is encrypted. Its passphrase:")
    if not first:
        raise StorageError("No passphrase was given: the encrypted database stays closed.")
    remember_passphrase(db_url, first)
