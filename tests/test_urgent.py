"""The urgent-symptom guard (bot/nlp/urgent.py): a message about a possible spread of toxin effect or an allergic
reaction must always be caught, and everyday questions about the treatment must not set off the 911 answer."""

from pathlib import Path

import pytest
import yaml

from bot.nlp.urgent import mentions_urgent_symptom

HELDOUT_FILE = Path(__file__).parent / "data" / "heldout_nlu.yml"

URGENT = [
    # breathing
    "can't breathe",
    "i cant breathe properly since my botox",
    "im having a hard time breathing",
    "it's hard to breathe after my injections",
    "struggling to breathe help",
    "i can barely breathe",
    "I'm short of breath and my chest feels weird",
    "i cant catch my breath since the tox",
    "I'm wheezing after my appointment",
    # swallowing / throat
    "i cant swallow since my botox yesterday",
    "having trouble swallowing since the injections",
    "it hurts and its hard to swallow",
    "swallowing feels difficult today",
    "my throat feels tight",
    "throat is closing up",
    "my tongue feels swollen after the tox",
    "my lips and tongue are swelling up",
    "there's swelling in my throat",
    # speaking
    "i can't talk right, words come out weird",
    "difficulty speaking since this morning",
    "my speech is slurred",
    "im slurring my words after botox",
    # vision
    "seeing double since tox",
    "I have double vision since my appointment",
    "my vision is blurry since the injections",
    "my vision went blurry after botox",
    "everything looks blurry since i got tox",
    # allergic reaction
    "I have hives all over",
    "broke out in hives after my treatment",
    "i think im having an allergic reaction to the botox",
    "my face is swelling up really fast",
    "I feel faint",
    "I passed out after my appointment",
    "fainted at home an hour after botox",
    # generalised weakness
    "i feel weak all over since the injections",
    "my whole body feels weak",
    "my eyelids are drooping and my arms feel weak",
    "my legs feel weak and my eyelid is drooping",
    "my neck is so weak i can't hold my head up",
    "generalized muscle weakness after botox",
    # typographic apostrophe
    "I can’t breathe",
]

NOT_URGENT = [
    "does it hurt",
    "how long does bruising last",
    "my brow is a bit uneven",
    "how long does the swelling last after botox",
    "is it normal to have a little swelling at the injection spots",
    "can i drink wine after my tox",
    "can i lie down after my botox",
    "is botox safe while breastfeeding",
    "will botox make my face look frozen",
    "my left eyelid looks a little droopy",
    "can botox fix my double chin",
    "I have a hard time smiling evenly in photos",
    "can't wait for my appointment!",
    "I'm allergic to latex, can I still get botox",
    "what are the side effects",
    "will I be able to talk normally after a lip flip",
    "I faint at the sight of needles, can you numb it first?",
    "im not faint of heart lol, just tell me the price",
    "can I work out the same day",
    "what happens if my eyelid droops",
    "how much for the 11s",
    "can't decide between my brows or my gummy smile",
    "what if I have an allergic reaction",
    "what if i get an allergic reaction to it",
    "I had an allergic reaction to penicillin once, can I still get botox?",
    "my smile is crooked, can botox help",
    "is there a number i can call to talk to someone",
    "I'd rather talk to a person",
    "I can't talk on the phone at work, can I book here?",
]


@pytest.mark.parametrize("text", URGENT)
def test_urgent_phrasings_are_caught(text):
    assert mentions_urgent_symptom(text), f"not flagged as urgent: {text!r}"


@pytest.mark.parametrize("text", NOT_URGENT)
def test_everyday_questions_are_not_flagged(text):
    assert not mentions_urgent_symptom(text), f"flagged as urgent: {text!r}"


def _heldout():
    data = yaml.safe_load(HELDOUT_FILE.read_text(encoding="utf-8"))
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            line = line.strip()
            if line.startswith("- "):
                yield block["intent"], line[2:].strip()


def test_heldout_emergencies_are_caught_by_the_guard():
    missed = [text for intent, text in _heldout() if intent == "report_emergency" and not mentions_urgent_symptom(text)]
    assert not missed, f"held-out emergencies the guard misses: {missed}"


def test_heldout_non_emergencies_do_not_trigger_the_guard():
    flagged = [
        (intent, text) for intent, text in _heldout() if intent != "report_emergency" and mentions_urgent_symptom(text)
    ]
    assert not flagged, f"held-out messages wrongly flagged as urgent: {flagged}"
