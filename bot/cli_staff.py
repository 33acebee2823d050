"""`python -m bot staff add USERNAME [--name "Display Name"] [--password-stdin]`: a staff inbox account.

Without --password-stdin the password is asked twice on the terminal (not echoed); with it, the first line of
standard input is the password (for scripts: `printf '%s\n' "$PASSWORD" | python -m bot staff add alice
--password-stdin`). `staff password USERNAME` sets a new password and logs the account out everywhere. The database
is migrated to the latest revision first.
"""

from __future__ import annotations

import argparse
import getpass
import sys


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise SystemExit("The passwords do not match.")
    return first


def _auth():  # noqa: ANN202
    from bot.db.session import Database
    from bot.handoff.staff_auth import StaffAuth

    db = Database()
    db.upgrade()
    return StaffAuth(db)


def add(args: argparse.Namespace) -> int:
    from bot.handoff.staff_auth import AccountExists, AuthError

    try:
        auth = _auth()
        account = auth.add_account(args.username, _password(args), args.name or "")
    except AccountExists as error:
        print(f"Not added: an account named {str(error)!r} exists already.", file=sys.stderr)
        return 1
    except AuthError as error:
        print(f"Not added: {error}.", file=sys.stderr)
        return 1
    print(f"Staff account {account.username!r} added.")
    return 0


def password(args: argparse.Namespace) -> int:
    from bot.handoff.staff_auth import AuthError

    try:
        _auth().set_password(args.username, _password(args))
    except AuthError as error:
        print(f"Not changed: {error}.", file=sys.stderr)
        return 1
    print(f"Password of {args.username!r} changed; its sessions were ended.")
    return 0


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("staff", help="staff inbox accounts")
    staff = parser.add_subparsers(dest="staff_command", required=True)
    for name, func, text in (("add", add, "add a staff account"), ("password", password, "set a new password")):
        command = staff.add_parser(name, help=text)
        command.add_argument("username")
        command.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
        if name == "add":
            command.add_argument("--name", help="the name patients see when this person joins a chat")
        command.set_defaults(func=func)
