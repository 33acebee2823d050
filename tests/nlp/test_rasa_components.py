"""The routing the NLU pipeline adds to the classifier: a reported treatment problem is a concern."""

import pytest

from bot.nlp.rasa_components import cautious_intent, concern_in_its_language, concern_intent
from bot.safety import Decision


def ranking(*names):
    return [{"name": name, "confidence": 1.0 / (n + 2)} for n, name in enumerate(names)]


@pytest.mark.parametrize("text, names", [
    ("my smile looks crooked since my lip flip", ("ask_mouth_asymmetry", "report_treatment_concern")),
    ("since my botox one brow sits way higher", ("ask_uneven_brows",)),
    ("my smile looks crooked since my lip flip", ("nlu_fallback", "report_treatment_concern", "ask_mouth_asymmetry")),
])
def test_a_problem_after_a_treatment_is_a_concern(text, names):
    assert concern_intent(text, ranking(*names)) == "report_treatment_concern"


@pytest.mark.parametrize("text, names", [
    ("can botox fix a crooked smile?", ("ask_mouth_asymmetry",)),  # no treatment yet
    ("since my botox I love my brows, what does a touch up cost?", ("ask_cost",)),  # no problem, not an area
    ("after my treatment is it wrong to lie down?", ("ask_aftercare_lying_down",)),  # aftercare stays aftercare
])
def test_questions_stay_questions(text, names):
    assert concern_intent(text, ranking(*names)) is None


@pytest.mark.parametrize("names, intent", [
    (("nlu_fallback", "ask_medical_conditions", "ask_side_effects"), "ask_medical_conditions"),
    (("nlu_fallback", "ask_pregnancy"), "ask_pregnancy"),
    (("nlu_fallback", "ask_cost", "ask_medical_conditions"), None),  # only when it ranks first
    (("ask_side_effects", "ask_medical_conditions"), None),  # a confident answer stands
])
def test_an_unsure_contraindication_question_gets_the_cautious_answer(names, intent):
    assert cautious_intent(names[0], ranking(*names)) == intent


def test_a_contraindication_answer_barely_ranked_is_not_given():
    barely = [{"name": "nlu_fallback", "confidence": 0.2}, {"name": "ask_medical_conditions", "confidence": 0.05}]
    assert cautious_intent("nlu_fallback", barely) is None


def test_a_problem_told_in_spanish_goes_to_the_concern_path_whatever_its_topic():
    """The classifier's topic does not matter: without this, an unsure one gave the notice (write in English)."""
    text = "desde la inyección de la semana pasada la sonrisa se me quedó chueca de un lado"
    assert concern_in_its_language(Decision.LANGUAGE_NOTICE, "es", text) == "report_treatment_concern"
    question = "¿el botox puede arreglar una sonrisa chueca?"  # no treatment yet
    assert concern_in_its_language(Decision.LANGUAGE_NOTICE, "es", question) is None
    assert concern_in_its_language(Decision.EMERGENCY, "es", text) is None  # safety's decision stands
    assert concern_in_its_language(Decision.LANGUAGE_NOTICE, "fr", text) is None  # no French concern answer
