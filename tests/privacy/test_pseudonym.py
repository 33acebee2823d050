"""Keyed pseudonyms (bot/privacy.py): stable under one key, different under another, not a plain hash."""

import hashlib
import stat

import pytest

from bot import privacy
from bot.booking import _requester_key
from bot.channels.sms_consent import redact
from bot.channels.text_replies import conversation_key

PHONE = "+15125550134"


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv(privacy.KEY_ENV, "test-key-one")


def test_the_same_value_gives_the_same_pseudonym_under_one_key(key):
    assert privacy.pseudonym(PHONE) == privacy.pseudonym(PHONE) != privacy.pseudonym("+15125550135")
    assert len(privacy.pseudonym(PHONE)) == 64


def test_another_key_gives_another_pseudonym(key, monkeypatch):
    first = privacy.pseudonym(PHONE)
    monkeypatch.setenv(privacy.KEY_ENV, "test-key-two")
    assert privacy.pseudonym(PHONE) != first


def test_it_is_not_the_plain_hash_anyone_could_compute(key):
    plain = hashlib.sha256(PHONE.encode()).hexdigest()
    assert privacy.pseudonym(PHONE) != plain
    assert plain[:10] not in privacy.log_id(PHONE) and PHONE[2:] not in privacy.log_id(PHONE)


def test_logs_and_lookup_keys_use_it(key):
    assert redact(PHONE) == privacy.log_id(PHONE) == "#" + privacy.pseudonym(PHONE)[:12]
    assert _requester_key(f"sms:{PHONE}") == privacy.pseudonym(f"sms:{PHONE}")
    assert conversation_key("twilio", PHONE) == privacy.pseudonym(f"twilio:{PHONE}")[:40]


def test_without_the_variable_a_key_file_is_made_once_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv(privacy.KEY_ENV, raising=False)
    path = tmp_path / "var" / "log_pseudonym_key"
    monkeypatch.setattr(privacy, "KEY_FILE", path)
    first = privacy.pseudonym(PHONE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and len(path.read_text().strip()) >= 43
    privacy._key_from_file.cache_clear()
    assert privacy.pseudonym(PHONE) == first  # read back, not made again
    assert [p.name for p in path.parent.iterdir()] == ["log_pseudonym_key"]  # no drafts left behind


def test_the_variable_wins_over_the_file(tmp_path, monkeypatch):
    monkeypatch.setattr(privacy, "KEY_FILE", tmp_path / "key")
    monkeypatch.setenv(privacy.KEY_ENV, "from-the-environment")
    privacy.pseudonym(PHONE)
    assert not (tmp_path / "key").exists()
