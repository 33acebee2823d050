"""Follow-up questions in the context of the conversation (bot/follow_ups.py). Conversations from the NLU
evaluation set are judged on their replies in tests/test_nlu_eval.py."""

import pytest

from bot.follow_ups import SAME_QUESTION_INTENT, answer_in_context, asks_the_same_about

RESPONSES = {"utter_cost", "utter_cost__uneven_brows", "utter_cost__gummy_smile", "utter_pain", "utter_hours",
             "utter_uneven_brows", "utter_gummy_smile"}


def _area(value, start=0, end=1):
    return {"entity": "area", "value": value, "start": start, "end": end}


def test_a_follow_up_takes_the_topic_asked_about_before():
    turns = [("ask_gummy_smile", []), ("ask_cost", [])]
    assert answer_in_context(turns, RESPONSES) == "utter_cost__gummy_smile"


def test_an_area_named_in_the_question_is_its_topic():
    assert answer_in_context([("ask_cost", [_area("brows")])], RESPONSES) == "utter_cost__uneven_brows"


def test_without_a_topic_variant_the_general_answer():
    assert answer_in_context([("ask_gummy_smile", []), ("ask_pain", [])], RESPONSES) == "utter_pain"


def test_the_same_question_about_another_area():
    turns = [("ask_cost", [_area("gummy smile")]), (SAME_QUESTION_INTENT, [_area("brows")])]
    assert answer_in_context(turns, RESPONSES) == "utter_cost__uneven_brows"


def test_after_an_area_question_another_area_gets_that_area():
    turns = [("ask_gummy_smile", []), (SAME_QUESTION_INTENT, [_area("brows")])]
    assert answer_in_context(turns, RESPONSES) == "utter_uneven_brows"


def test_another_location_repeats_the_question():
    location = {"entity": "location", "value": "san-diego", "start": 4, "end": 13}
    assert answer_in_context([("ask_hours", []), (SAME_QUESTION_INTENT, [location])], RESPONSES) == "utter_hours"


def test_nothing_asked_before_and_no_area_is_not_answered():
    location = {"entity": "location", "value": "denver", "start": 4, "end": 10}
    assert answer_in_context([("greet", []), (SAME_QUESTION_INTENT, [location])], RESPONSES) is None


@pytest.mark.parametrize("text, area, expected", [
    ("and for the brows?", (12, 17), True),
    ("what about my chin", (14, 18), True),
    ("  even around the lip?", (18, 21), True),
    ("what about doing my chin", (20, 24), False),  # asks something new
    ("how much for my chin", (16, 20), False),  # no opener: a question of its own
    ("and what about the brows, does it hurt?", (19, 24), False),
])
def test_the_bare_form_of_the_same_question(text, area, expected):
    start, end = area
    assert asks_the_same_about(text, [_area(text[start:end], start, end)]) is expected


def test_the_same_question_is_recognised_in_conversation(assistant):
    sender = "follow-up-brows"
    assistant.reply("how much is gummy smile botox?", sender)
    assistant.reply("and for the brows?", sender)
    assert assistant.bot_messages(sender)[-1][0] == "utter_cost__uneven_brows"
