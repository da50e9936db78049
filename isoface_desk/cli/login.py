"""Signing in from the command line, for commands that read or change patient data.

    add_login_arguments(parser)            # --user NAME
    with signed_in(args) as (services, actor):
        services.records.pdf(actor, 42, purpose="export")

The password comes from the environment variable ISOFACE_PASSWORD, else from a prompt
(getpass, nothing echoed) when standard input is a terminal, else from the first line of
standard input (`printf '%s\\n' "$PW" | isoface-desk ...`). It is never an argument, so it
never shows in the process list or the shell history. A wrong password counts towards the
account lockout like a failed sign-in in the app, and every attempt is an audit event.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TextIO

from isoface_desk.errors import InputError

if TYPE_CHECKING:
    from isoface_desk.services.bundle import Services
    from isoface_desk.services.context import Actor

PASSWORD_ENV = "ISOFACE_PASSWORD"
_NOT_TEXT = (
    "The {what} holds bytes that are not UTF-8 text (check the encoding of the terminal, "
    "the file or the environment variable it came from): it was not used."
)


def add_login_arguments(parser: Any) -> None:
    """Add `--user NAME` (required) to a subcommand's parser."""
    parser.add_argument(
        "--user",
        required=True,
        metavar="NAME",
        help=f"sign in as this user; the password is read from ${PASSWORD_ENV}, else "
        "prompted for (or read from the first line of standard input when it is not a "
        "terminal)",
    )


def read_password(
    username: str,
    *,
    environ: Mapping[str, str] | None = None,
    stdin: TextIO | None = None,
    prompt: Callable[[str], str] = getpass.getpass,
) -> str:
    """The password for `username`: $ISOFACE_PASSWORD, a prompt, or a line of stdin."""
    env = os.environ if environ is None else environ
    from_env = env.get(PASSWORD_ENV)
    if from_env:
        return from_env
    stream = sys.stdin if stdin is None else stdin
    if stream is None or stream.closed:  # e.g. no console at all
        password = ""
    elif stream.isatty():
        password = prompt(f"Password for {username}: ")
    else:
        password = read_line(stream, "password")
    if not password:
        raise InputError(
            f"No password given for {username}: type it at the prompt, or set {PASSWORD_ENV}."
        )
    require_text(password, "password")
    return password


def read_line(stream: TextIO, what: str) -> str:
    """One line of `stream` without its line end; InputError when it is not text in the
    stream's encoding (a strict UTF-8 stdin raises on a 0xFF byte)."""
    try:
        return stream.readline().rstrip("\r\n")
    except UnicodeDecodeError:
        raise InputError(_NOT_TEXT.format(what=what)) from None


def require_text(secret: str, what: str) -> None:
    """InputError when `secret` holds bytes that are not UTF-8 text (Python hands them on
    as lone surrogates, which no password hash can take)."""
    try:
        secret.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(_NOT_TEXT.format(what=what)) from None


@contextmanager
def signed_in(args: argparse.Namespace) -> Iterator[tuple[Services, Actor]]:
    """Services over the existing database `args.db_url` and the Actor for `args.user`.

    The database is opened (and refused if missing or not upgraded) before the password is
    asked for; AuthenticationError on a wrong password or a locked account.
    """
    from isoface_desk.services.access.cli_access import open_existing_services

    services = open_existing_services(args.db_url)
    try:
        actor = services.auth.login(args.user, read_password(args.user))
        yield services, actor
    finally:
        services.close()
