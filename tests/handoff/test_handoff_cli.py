"""`python -m bot staff add USERNAME`: argon2-hashed accounts, the password from stdin or the terminal."""

import os
import subprocess
import sys
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import select

from bot.db.handoff_models import StaffAccount
from bot.db.session import Database
from bot.handoff.staff_auth import StaffAuth

ROOT = Path(__file__).resolve().parents[2]


def staff(db_url, *args, stdin=""):
    env = {**os.environ, "DATABASE_URL": db_url, "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([sys.executable, "-m", "bot", "staff", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_staff_add_with_password_from_stdin(db_url):
    result = staff(db_url, "add", "Alice", "--name", "Alice Smith", "--password-stdin", stdin="correct horse battery\n")
    assert result.returncode == 0, result.stderr
    assert "Staff account 'alice' added." in result.stdout
    db = Database(db_url)
    with db.session() as session:
        account = session.execute(select(StaffAccount)).scalar_one()
    assert account.username == "alice" and account.display_name == "Alice Smith"
    assert account.password_hash.startswith("$argon2id$") and "correct horse" not in account.password_hash
    assert PasswordHasher().verify(account.password_hash, "correct horse battery")
    assert StaffAuth(db).authenticate("alice", "correct horse battery", "127.0.0.1") is not None

    again = staff(db_url, "add", "alice", "--password-stdin", stdin="another password!\n")
    assert again.returncode == 1 and "exists already" in again.stderr
    short = staff(db_url, "add", "bob", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "at least 10 characters" in short.stderr

    changed = staff(db_url, "password", "alice", "--password-stdin", stdin="a brand new password\n")
    assert changed.returncode == 0
    assert StaffAuth(db).authenticate("alice", "a brand new password", "127.0.0.2") is not None


def test_staff_add_help_names_the_options(db_url):
    result = staff(db_url, "add", "--help")
    assert "--password-stdin" in result.stdout and "USERNAME" in result.stdout.upper()
