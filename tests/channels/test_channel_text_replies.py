"""Text-only rendering: numbered options, translating the reply, splitting long answers."""

import os
import socket

import pytest

from bot.channels.text_replies import (
    MESSENGER_LIMIT,
    SMS_LIMIT,
    TELEGRAM_LIMIT,
    MemoryOptionStore,
    NumberedReplies,
    RedisOptionStore,
    conversation_key,
    match_option,
    render_elements,
    render_options,
    split_text,
)

BUTTONS = [
    {"title": "Botox", "payload": '/choose{"treatment": "botox"}'},
    {"title": "Lip filler", "payload": '/choose{"treatment": "filler"}'},
    {"title": "Talk to staff", "payload": "/handoff"},
]


def test_few_short_buttons_become_one_reply_line():
    text, options = render_options("Which treatment?", BUTTONS)
    assert text == "Which treatment?\n\nReply 1 for Botox, 2 for Lip filler or 3 for Talk to staff."
    assert [o["number"] for o in options] == [1, 2, 3]
    assert options[1]["payload"] == BUTTONS[1]["payload"]


def test_many_or_long_buttons_become_a_list_and_links_stay_links():
    buttons = [{"title": f"Tuesday at {h}:00 with Dr. Rivera", "payload": f"/slot{h}"} for h in (9, 10, 11, 14, 15)]
    buttons.append({"title": "See all times", "url": "https://confidence-medspa.example/book"})
    text, options = render_options("Pick a time:", buttons)
    assert text.splitlines()[2:] == [
        "1. Tuesday at 9:00 with Dr. Rivera",
        "2. Tuesday at 10:00 with Dr. Rivera",
        "3. Tuesday at 11:00 with Dr. Rivera",
        "4. Tuesday at 14:00 with Dr. Rivera",
        "5. Tuesday at 15:00 with Dr. Rivera",
        "Reply with a number.",
        "See all times: https://confidence-medspa.example/book",
    ]
    assert len(options) == 5  # the link is not a numbered option


def test_numbering_can_continue_from_an_earlier_message():
    text, options = render_options("More:", BUTTONS[:2], start=4)
    assert "Reply 4 for Botox or 5 for Lip filler." in text
    assert [o["number"] for o in options] == [4, 5]


@pytest.mark.parametrize("reply", ["2", " 2 ", "2.", "#2", "(2)", "option 2", "Number 2", "lip filler", "LIP FILLER!"])
def test_reply_picks_the_second_option(reply):
    _, options = render_options("Which?", BUTTONS)
    assert match_option(reply, options) == BUTTONS[1]["payload"]


@pytest.mark.parametrize("reply", ["4", "0", "22", "filler", "I want 2 syringes", "", "   "])
def test_other_replies_pick_nothing(reply):
    _, options = render_options("Which?", BUTTONS)
    assert match_option(reply, options) is None


def test_no_options_no_match():
    assert match_option("2", None) is None
    assert match_option("2", []) is None


def test_short_text_is_one_message():
    assert split_text("  Hello!  ", SMS_LIMIT) == ["Hello!"]
    assert split_text("", SMS_LIMIT) == []


def test_long_text_splits_at_sentence_ends_within_the_limit():
    sentences = [f"Sentence {i} says something useful about aftercare and what to avoid." for i in range(100)]
    text = " ".join(sentences)
    for limit in (SMS_LIMIT, MESSENGER_LIMIT, TELEGRAM_LIMIT, 320):
        chunks = split_text(text, limit)
        assert all(len(chunk) <= limit for chunk in chunks)
        assert all(chunk.endswith(".") for chunk in chunks)  # every cut at a sentence end
        assert " ".join(chunks) == text  # nothing lost, nothing added


def test_paragraph_breaks_are_preferred():
    first = "First paragraph. " * 40
    second = "Second paragraph. " * 40
    chunks = split_text(first.strip() + "\n\n" + second.strip(), 1000)
    assert chunks[0] == first.strip()
    assert chunks[1].startswith("Second paragraph.")


def test_never_cuts_inside_a_word():
    words = ["hyaluronic", "neuromodulator", "microneedling", "dermaplaning"] * 200
    text = " ".join(words)
    chunks = split_text(text, 160)
    assert all(len(chunk) <= 160 for chunk in chunks)
    assert " ".join(chunks).split() == words


def test_only_a_word_longer_than_the_limit_is_cut():
    url = "https://example.com/" + "x" * 50
    assert split_text(f"See {url} now", 30) == ["See", url[:30], url[30:60], url[60:] + " now"]


def test_elements_render_as_paragraphs():
    text = render_elements(
        [
            {
                "title": "Botox",
                "subtitle": "From $12 a unit",
                "buttons": [{"title": "Details", "url": "https://x.example/b"}],
            },
            {"title": "Filler", "subtitle": "From $650"},
        ]
    )
    assert text == "Botox\nFrom $12 a unit\nDetails: https://x.example/b\n\nFiller\nFrom $650"


def test_conversation_keys_do_not_reveal_the_number():
    key = conversation_key("twilio", "+15125550123")
    assert "5125550123" not in key
    assert key == conversation_key("twilio", "+15125550123") != conversation_key("facebook", "+15125550123")


async def _roundtrip(store):
    key = conversation_key("test", "someone")
    turn = NumberedReplies(store, key)
    first = await turn.render("Which?", BUTTONS[:2])
    second = await turn.render("Or:", BUTTONS[2:])
    assert "Reply 1 for Botox or 2 for Lip filler." in first
    assert "Reply 3 for Talk to staff." in second
    assert await NumberedReplies.resolve(store, key, "3") == "/handoff"
    assert await NumberedReplies.resolve(store, key, "3") is None  # options are used up by the next reply


@pytest.mark.asyncio
async def test_memory_store_keeps_a_turns_options_until_the_next_reply():
    await _roundtrip(MemoryOptionStore())


@pytest.mark.asyncio
async def test_memory_store_expires_and_stays_bounded():
    store = MemoryOptionStore(max_items=3)
    await store.set("old", [1], ttl=-1)
    assert await store.get("old") is None
    for key in "abcd":
        await store.set(key, key)
    assert await store.get("a") is None and await store.get("d") == "d"


def _redis_url():
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.2):
            return url
    except OSError:
        return None


@pytest.mark.asyncio
async def test_redis_store_round_trip():
    url = _redis_url()
    if not url:
        pytest.skip("no Redis on 127.0.0.1:6379")
    store = RedisOptionStore(url, prefix="clinic:test-channel-options:")
    try:
        await _roundtrip(store)
    finally:
        await store.close()
