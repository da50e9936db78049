"""`isoface-desk user passwd --user NAME`: change your own password from the command line.

The same path as File › Change my password… in the app (AuthService.change_own_password):
the current password is confirmed (a wrong one counts towards the lockout), the password
policy applies to the new one, and the change is a "user change" audit event. Passwords
never come from arguments: the current one as for every command (ISOFACE_PASSWORD, a
prompt, or the first line of standard input), the new one from ISOFACE_NEW_PASSWORD, else
a prompt asked twice, else the next line of standard input.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from isoface_desk.cli.args import usage
from isoface_desk.cli.login import PASSWORD_ENV, add_login_arguments, read_line, read_password
from isoface_desk.errors import InputError

NEW_PASSWORD_ENV = "ISOFACE_NEW_PASSWORD"


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "user",
        help="your own account (change your password)",
        description="Your own account. Administrators manage other users in the app.",
    )
    sub = parser.add_subparsers(dest="user_command", metavar="SUBCOMMAND")
    passwd = sub.add_parser(
        "passwd",
        help="change your own password (audited)",
        description=(
            f"Change the password of --user. The current password comes from ${PASSWORD_ENV}, "
            "a prompt, or the first line of standard input; the new one from "
            f"${NEW_PASSWORD_ENV}, a prompt asked twice, or the next line of standard input. "
            "The password policy applies; the change is recorded in the audit trail."
        ),
    )
    add_login_arguments(passwd)
    passwd.set_defaults(func=run_passwd)
    parser.set_defaults(func=lambda _args: usage(parser))


def run_passwd(args: argparse.Namespace) -> int:
    from isoface_desk.services.access.cli_access import open_existing_services

    services = open_existing_services(args.db_url)
    try:
        current = read_password(args.user)
        actor = services.auth.login(args.user, current)
        services.auth.change_own_password(actor, current, read_new_password(args.user))
    finally:
        services.close()
    print(f"{args.user}: password changed.")
    return 0


def read_new_password(username: str) -> str:
    """The new password: $ISOFACE_NEW_PASSWORD, a prompt asked twice, or a line of stdin."""
    from_env = os.environ.get(NEW_PASSWORD_ENV)
    if from_env:
        return from_env
    stream = sys.stdin
    if stream is None or stream.closed:
        new = ""
    elif stream.isatty():
        new = getpass.getpass(f"New password for {username}: ")
        if new != getpass.getpass("New password again: "):
            raise InputError("The two new passwords differ: nothing was changed.")
    else:
        new = read_line(stream, "new password")
    if not new:
        raise InputError(
            f"No new password given: type it at the prompt, or set {NEW_PASSWORD_ENV}."
        )
    return new
