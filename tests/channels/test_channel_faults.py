"""A message Rasa cannot take at all (Redis or the tracker store down) gets a sentence with the clinic's phone
number from the channel itself, never silence; a message that goes through gets nothing extra."""

from __future__ import annotations

import asyncio
import logging

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import LockError

from bot.answers import answer_facts
from bot.channels.inbound import guard
from bot.channels.rate_limit import SenderRateLimiter
from bot.clinic import clinic
from bot.responses import render

PHONE = answer_facts(clinic())["clinic_phone"]


def handled(on_new_message, text: str = "my name is Dana Fox, how long does botox last?") -> CollectingOutputChannel:
    output = CollectingOutputChannel()
    message = UserMessage(text, output, "sms:+15125550147")
    try:
        asyncio.run(guard(on_new_message, SenderRateLimiter(per_minute=100, burst=100))(message))
    except LockError:
        pass  # raised again for the channel to log its way, after the sentence
    return output


def test_a_message_that_cannot_be_taken_gets_the_sentence_with_the_phone(caplog):
    async def lock_store_down(_message):
        raise LockError("Could not issue a ticket: ConnectionError")

    with caplog.at_level(logging.DEBUG):
        output = handled(lock_store_down)
    texts = [m["text"] for m in output.messages]
    assert texts == [render("utter_system_unavailable", None, {}).text]
    assert PHONE in texts[0] and "send it again" in texts[0]
    assert "Dana" not in caplog.text and "5550147" not in caplog.text


def test_a_message_that_goes_through_gets_nothing_extra():
    async def answered(message):
        await message.output_channel.send_text_message(message.sender_id, "Results last 3 to 4 months.")

    assert [m["text"] for m in handled(answered).messages] == ["Results last 3 to 4 months."]


def test_a_message_in_spanish_gets_the_sentence_in_spanish():
    async def lock_store_down(_message):
        raise LockError("Could not issue a ticket: ConnectionError")

    output = handled(lock_store_down, "hola, ¿cuánto dura el efecto del bótox en la frente?")
    text = output.messages[0]["text"]
    assert text == render("utter_system_unavailable", None, {}, language="es").text
    assert "no nos llegó" in text and PHONE in text and "911" in text
