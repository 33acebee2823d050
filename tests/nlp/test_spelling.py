"""The typo corrector in front of the sentence encoder (bot/nlp/spelling.py) fixes misspelt words towards the
training vocabulary and leaves everything else as the patient wrote it."""

from __future__ import annotations

import pytest

from bot.nlp.spelling import Speller, vocabulary

TRAINING = [
    "what is your address", "what's your email address", "can I get a touch up", "how many units do I need",
    "should I get more", "what are your hours on saturday", "never mind", "nevermind", "how much does it cost",
]

SPANISH_TRAINING = ["¿duele mucho la inyección?", "¿cuánto cuesta?"]


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(vocabulary(TRAINING), vocabulary(SPANISH_TRAINING))


@pytest.mark.parametrize("typed, corrected", [
    ("whats ur adress", "whats ur address"),
    ("whats your emial?", "whats your email?"),
    ("nevermnd", "nevermind"),
    ("can i get a toch up if one side didnt take", "can i get a touch up if one side didnt take"),
    ("last time i had 20 unts, shoud i get more this time?", "last time i had 20 units, should i get more this time?"),
    ("wat r ur hrs on satruday?", "wat r ur hrs on saturday?"),
])
def test_misspelt_words_become_the_training_words(speller, typed, corrected):
    assert speller.correct(typed) == corrected


@pytest.mark.parametrize("text", [
    "Kasia Nowak here, kasia.nowak@gmail.com, how much is it",  # names and e-mail addresses
    "i read about it on https://example.com/botox-prices",  # links
    "my booking reference is TBQS2SKC, can i move it",  # references
    "see u tmrw, im preggo btw",  # texting shorthand the encoder reads as it is
    "quiero hablar con una persona sobre el precio del bótox",  # another language
    "botox for my jawline please",  # words the training data does not have but English does
    "¿duele mucho?",  # too short for the language detector, but the Spanish training data has its words
])
def test_everything_else_stays_as_written(speller, text):
    assert speller.correct(text) == text


def test_a_short_word_is_only_one_edit_from_its_correction(speller):
    assert speller.correct("it costz") == "it cost"
    assert speller.correct("it cxstz") == "it cxstz"
