"""Two questions in one message: the split into questions (bot/nlp/question_parts.py), and both answered in the
order asked (bot/nlp/sentence_intents.py finds the second, bot/nlp/nlg.py renders it). How often this works on the
NLU evaluation set is gated in tests/test_nlu_eval.py."""

import pytest

from bot.nlp.question_parts import question_parts


@pytest.mark.parametrize("text, parts", [
    ("how much is it and do you take credit cards?", ["how much is it", "do you take credit cards?"]),
    ("is there parking? also what's your phone number", ["is there parking?", "what's your phone number"]),
    ("can i drink tonight, and is it ok to sleep on my side?",
     ["can i drink tonight", "is it ok to sleep on my side?"]),
    # "and" between two things asked about is one question
    ("how long do bruising and swelling last?", ["how long do bruising and swelling last?"]),
    ("is botox and filler the same thing?", ["is botox and filler the same thing?"]),
    # the story around a question is not a question
    ("I run a bakery. I can't close for days. Is there downtime?", ["Is there downtime?"]),
    ("", []),
])
def test_a_message_splits_into_its_questions(text, parts):
    assert [part.text for part in question_parts(text)] == parts


def test_parts_keep_their_place_in_the_message():
    text = "where are you in austin and what time do you close?"
    assert [text[p.start:p.end].strip() for p in question_parts(text)] == [
        "where are you in austin", "what time do you close?"]


def _second(assistant, text):
    return next((e for e in assistant.parse(text)["entities"] if e["entity"] == "also_asked"), None)


def test_the_second_question_is_found_with_its_order(assistant):
    also = _second(assistant, "how long do results last, and how much is it?")
    assert also["value"] == "ask_cost" and also["role"] == "after"


def test_one_question_has_no_second(assistant):
    story = "I'm a hairdresser and fully booked all week. Will I be able to work straight after?"
    assert _second(assistant, story) is None


def test_both_questions_are_answered_in_the_order_asked(assistant):
    reply = assistant.reply("can i drink tonight and is it ok to sleep on my side?")
    alcohol, sleeping = reply.find("alcohol"), reply.find("stay upright")
    assert 0 <= alcohol < sleeping, reply


def test_a_topic_question_gets_the_topic_answer_to_the_second(assistant):
    reply = assistant.reply("is gummy smile treatment something you offer, and how much is it?")
    assert "upper lip" in reply and "$150" in reply, reply


def test_safety_answers_alone(assistant):
    """A contraindication gets the deferral without a price beside it."""
    parsed = assistant.parse("I'm 10 weeks pregnant, how long does it last and how much is it?")
    assert parsed["intent"]["name"] == "ask_pregnancy"
    assert not [e for e in parsed["entities"] if e["entity"] == "also_asked"]


def test_a_question_beside_a_booking_request_is_answered_as_the_booking_starts(assistant):
    reply = assistant.reply("I'd like to book a consultation for my gummy smile. How much does it cost?")
    booking, price = reply.find("Happy to help you book"), reply.find("per unit")
    assert 0 <= booking < price, reply


def test_a_booking_request_after_a_question_starts_the_booking_with_the_answer_first(assistant):
    reply = assistant.reply("how much is botox per unit? i want to book a consult")
    price, booking = reply.find("per unit"), reply.find("Happy to help you book")
    assert 0 <= price < booking, reply
