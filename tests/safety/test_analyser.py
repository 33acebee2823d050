"""The safety analyser (bot/safety) on its own: findings, their assertion, and the decision.

The figures that count come from the evaluation set (test_safety_gate.py); these pin down single behaviours.
"""

from pathlib import Path

import pytest
import yaml

from bot.safety import Assertion, Decision, analyse
from bot.safety.form_answers import read_answers


def mentions_urgent_symptom(text: str) -> bool:
    return analyse(text).decision == Decision.EMERGENCY


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


@pytest.mark.parametrize(
    "text, name, assertion",
    [
        ("no breathing trouble, just a little bruise", "breathing", Assertion.NEGATED),
        ("will I have trouble swallowing after the gummy smile shots?", "swallowing", Assertion.HYPOTHETICAL),
        ("can botox cause hives?", "allergic", Assertion.HYPOTHETICAL),
        ("had hives from penicillin years ago", "allergic", Assertion.PAST),
        ("my mom got botox yesterday and now she cant swallow", "swallowing", Assertion.OTHER_PERSON),
        ("is it normal to be choking on drinks a few days after my treatment?", "swallowing", Assertion.REPORTED),
        ("i cant swalow since tuesday", "swallowing", Assertion.REPORTED),
    ],
)
def test_findings_carry_their_assertion(text, name, assertion):
    found = {(f.name, f.assertion) for f in analyse(text).findings}
    assert (name, assertion) in found, found


@pytest.mark.parametrize(
    "text, decision",
    [
        ("just found out im pregnant, the dose is tiny so tomorrow is still ok right?", Decision.DEFERRAL),
        ("I have myasthenia gravis but my neurologist doesn't mind", Decision.DEFERRAL),
        ("i take eliquis every day", Decision.DEFERRAL),
        ("not pregnant, not nursing, no meds, can I book friday", Decision.NONE),
        ("last time I had 20 units, should I go up to 30?", Decision.DOSE),
        ("what if I get double vision?", Decision.WARNING_SIGNS),
        ("my forehead feels a bit heavy since the treatment", Decision.CHECKIN),
        ("no puedo respirar bien desde la inyección", Decision.EMERGENCY),
        ("¿Cuánto cuesta el botox para la sonrisa gingival?", Decision.LANGUAGE_NOTICE),
        ("Combien coûte une consultation pour les sourcils?", Decision.LANGUAGE_NOTICE),
        ("how much is botox for a gummy smile", Decision.NONE),
        ("is there parking? also what's your phone number", Decision.NONE),  # "number" is not numbness
        ("68U9Z72U", Decision.NONE),  # a booking reference, not 72 units
        ("can I get 20u in my brows", Decision.DOSE),
    ],
)
def test_decisions(text, decision):
    assert analyse(text).decision == decision


def test_language_of_the_message():
    assert analyse("no puedo respirar bien desde la inyección").language == "es"
    assert analyse("ok").language == "en"


@pytest.mark.parametrize("text", [
    "feels like air isnt going in all the way since tuesday",  # a denial inside the symptom's own words
    "my mom just passed out on the couch, she had botox this morning",  # an idiom list must not swallow this
    "swallowing has gotten really difficult today",
    "the room splits into two when i look up, since my brow injections",
    "my voice cuts out when i try to talk since the jaw botox",
])
def test_symptoms_in_new_words_are_urgent(text):
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "had strep last month and could hardly swallow for a few days, all cleared up now",  # resolved after a comma
    "lips and face arent swollen, no itching, can i wear makeup today?",  # a denial between the words of a symptom
    "I'm seeing double... bookings in my calendar, did I book twice?",
    "I nearly passed out laughing at your video about brows",
    "blurred lines between filler and botox, what's the difference?",
])
def test_resolved_denied_and_idiomatic_mentions_are_not_urgent(text):
    assert analyse(text).decision != Decision.EMERGENCY


# A review against an earlier version: each of these lost the emergency answer to an idiom read too broadly, a
# denial or past reference that reached too far, or Spanish "ni" ("not even") read as a denial.
@pytest.mark.parametrize("text", [
    "I keep running out of breath",
    "I have been running a fever and I am out of breath",
    "I almost fainted when I stood up this morning",
    "I nearly passed out when I got out of the shower",
    "I passed out while watching tv after my botox",
    "I keep seeing double when reading my texts",
    "I was watching a video and everything was blurry",
    "my photos all look blurry to me since the botox, everything does",
    "I keep choking up my food",
    "my knees went weak and I fell down",
    "I feel so weak at night since the botox",
    "nothing is going down and i cant swallow",
    "nothing seems to help my breathing is so hard",
    "I do not take any meds and my throat is swelling",
    "I had botox last year, I cannot swallow",
    "I used to get migraines, I cannot breathe",
    "I was pregnant in 2019, my throat is closing",
    "no puedo ni tragar agua",
    "no puedo ni respirar",
    "ayer me pusieron botox y no puedo ni hablar",
    "slight lip and throat swelling",
    "I had an allergic reaction an hour ago and my throat is closing",  # a past reaction reaches no further
    "i think im having an allergic reaction to the botox",
])
def test_reported_symptoms_are_not_explained_away(text):
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "my dog keeps wheezing when he gets excited lol anyway can i book for saturday",  # an animal's symptom
    "mi perro tiene ronchas y lo llevo al veterinario, tengo que cambiar la cita",
    "no me desmayé ni me siento débil, solo me dolió un poquito la cabeza",  # "ni" continues the denial
    "never had hives, never fainted, want to book a consult",
    "that price is hard to swallow lol, any promos?",
    "broke out in hives from ibuprofen in my 20s, does that matter",
])
def test_what_is_not_a_persons_symptom_now_is_not_urgent(text):
    assert analyse(text).decision != Decision.EMERGENCY


def test_walking_the_dog_does_not_make_a_symptom_the_dogs():
    message = "both legs buckled walking my dog this morning, my whole body feels weak"
    assert analyse(message).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    # the reaction is the allergy's:
    "I had an allergic reaction to Dysport before, but Botox is a different brand so should be fine?",
    "¿las mamás que dan pecho pueden ponerse botox?",
    "my neurologist said my MG is stable so botox should be fine",
    "I do not use retinol and I'm breastfeeding",
    "no fumo ni tomo y estoy embarazada",
])
def test_a_denial_of_something_else_does_not_hide_a_contraindication(text):
    assert analyse(text).decision == Decision.DEFERRAL


def test_the_urgency_net_is_a_second_reader_of_what_the_rules_did_not_find_reported(monkeypatch):
    from bot.safety import analyser
    from bot.safety.findings import SafetyReport, decide

    assert decide(SafetyReport(language="en", urgent_likelihood=0.95)) == Decision.EMERGENCY
    assert decide(SafetyReport(language="en", urgent_likelihood=0.5)) == Decision.NONE
    monkeypatch.setattr(analyser, "urgent_likelihood", lambda text: 1.0)
    # A symptom the rules read as denied or asked about is read again: their cues misread hedges and slang.
    assert analyse("no trouble swallowing, just a small bruise").decision == Decision.EMERGENCY
    assert analyse("could botox ever make it hard to swallow?").decision == Decision.EMERGENCY
    assert analyse("two of my cat on the couch since the injections").decision == Decision.EMERGENCY
    # Another person beside the patient's own symptom does not make it theirs.
    assert analyse("not sure if they used too much, i can barely swallow water").decision == Decision.EMERGENCY
    # Not read again: a contraindication, all is well, someone else's symptom, a language other than English.
    assert analyse("I'm 12 weeks pregnant, can I still come friday?").decision == Decision.DEFERRAL
    assert analyse("swallowing fine, breathing fine, all good! when do results show").decision != Decision.EMERGENCY
    assert analyse("my husband ran up the stairs and now he's wheezing").decision != Decision.EMERGENCY
    assert analyse("estoy bien, solo quiero una cita").decision != Decision.EMERGENCY
    monkeypatch.setattr(analyser, "urgent_likelihood", lambda text: 0.0)
    assert analyse("no trouble swallowing, just a small bruise").decision == Decision.NONE
    assert analyse("could botox ever make it hard to swallow?").decision == Decision.WARNING_SIGNS


@pytest.mark.parametrize("text", [
    "not sure if this is related but i can barely get my tea down",
    pytest.param("kinda scared that im choking on my own saliva", marks=pytest.mark.xfail(
        strict=True, reason="not yet: the rules read a fear, and the urgency net gives it 0.49 (threshold 0.9)")),
    "is it normal that my food keeps going down the wrong way and I cough every bite",
])
def test_a_real_report_the_rules_read_as_a_question_or_a_fear_gets_the_emergency_answer(text):
    assert analyse(text).decision == Decision.EMERGENCY


def test_the_urgency_net_reads_meaning():
    from bot.safety.urgency_net import urgent_likelihood

    assert urgent_likelihood("since the injections my food won't go down and I keep choking") > 0.9
    assert urgent_likelihood("what are your opening hours on saturday?") < 0.1


@pytest.mark.parametrize("text, assertion", [
    # A question that opens its clause and names nobody asks about the symptom...
    ("is trouble swallowing after lip flip botox something people get?", Assertion.HYPOTHETICAL),
    ("can you get a hoarse voice from neck botox", Assertion.HYPOTHETICAL),
    ("quick q before booking: has anybody had double vision from brow tox?", Assertion.HYPOTHETICAL),
    # ...one about the patient reports it.
    ("is my voice supposed to be this hoarse", Assertion.REPORTED),
    ("can i still take ibuprofen, i have hives on my arms", Assertion.REPORTED),
])
def test_a_question_in_general_asks_about_a_symptom(text, assertion):
    assert {f.assertion for f in analyse(text).findings if f.kind == "urgent"} == {assertion}


@pytest.mark.parametrize("text, urgent", [
    ("totally out of breath from sprinting to the bus, running 5 min late sorry", False),
    ("couldnt breathe from laughing at the cat video lol", False),
    ("my voice is hoarse from cheering at the hockey game", False),
    # A cause denied or guessed at explains nothing, nor does any cause of an allergic sign or a faint.
    ("it's not from the heat, I really can't breathe", True),
    ("I can't swallow properly, maybe it's because of nerves?", True),
    ("my throat is swelling and I'm covered in hives, I was at a concert", True),
    # Tied to the treatment, or after the least effort, an explanation explains nothing.
    ("since my botox i get out of breath from climbing stairs", True),
    ("out of breath after one flight of stairs, botox was monday", True),
])
def test_an_everyday_cause_explains_a_symptom_unless_tied_to_the_treatment(text, urgent):
    assert mentions_urgent_symptom(text) == urgent


@pytest.mark.parametrize("text, urgent", [
    # "a day after" is a weak sign of now: a past reference outweighs it, a strong one ("since tuesday") does not.
    ("blurry vision for a day after my botox 2 years ago, fine ever since. want to rebook", False),
    ("blurry vision a day after my botox, since tuesday", True),
    # "should I go to the ER" outweighs no question: "if" makes it one.
    ("should i go to the ER if my lips swell up after the lip flip?", False),
    ("my lips are swelling up, should i go to the ER", True),
    ("swallowing is harder than normal since the injections", True),
])
def test_weak_signs_of_now_give_way(text, urgent):
    assert mentions_urgent_symptom(text) == urgent


def test_the_urgency_net_does_not_overrule_a_patient_who_says_all_is_well(monkeypatch):
    from bot.safety import analyser

    monkeypatch.setattr(analyser, "urgent_likelihood", lambda text: 1.0)
    assert analyse("eating fine and my breath is normal, just one brow sits higher").decision != Decision.EMERGENCY
    assert analyse("had a rough flu in october, completely recovered now").decision != Decision.EMERGENCY
    assert analyse("fully recovered now from the flu but since the injections two of my cat").decision == (
        Decision.EMERGENCY)


@pytest.mark.parametrize("text", [
    # Everyday words beside a symptom do not explain it.
    "i am not eating because i cant swallow since tuesday",
    "I'm at work and I can't breathe properly",
    "my eyelids keep drooping and I'm so tired, botox was friday",
    "feel faint and hungry, haven't been able to swallow food",
    # An explanation or a question needs its own words.
    "double vision even with my glasses on",
    "woke from sleep and my throat feels tight",
    "cant breathe well since tuesday, what are your prices for a follow up",
    "ni siquiera puedo respirar bien desde la inyección",
    "have hives all over my neck",
    # Found by a review of the everyday-cause and question rules.
    "My pupils are dilated and I'm seeing double and can't swallow well",
    "Hives around the injection site and my lips and throat are swelling",
    "I don't know if I'm having an allergic reaction my throat is closing and I have hives",
    "whats going on cant swallow cant breathe",
    "Is double vision and slurred speech after botox dangerous",
    "I hear a wheeze when I breathe and my throat feels tight",
    "I'm writing because it's 2am and I can't breathe lying down",
    "I'm seeing double even without my glasses",
])
def test_reported_emergencies_that_look_like_questions_or_excuses(text):
    assert mentions_urgent_symptom(text)


@pytest.mark.parametrize("text", [
    "is it ok if you're nursing a 4 month old?",
    "i'm still bf my son, he's 5 months",
    "my period is a week late, can i still get my lip flip friday?",
    "no more birth control for me, we want a baby soon",
    "tomo sintrom desde la operación, ¿puedo ponerme botox?",
    "tengo la regla atrasada, ¿me puedo poner bótox el viernes?",
    "todavía le doy de mamar a mi niña",
    "my due date is in august, can I still do my frown lines?",
    "we're having our second baby in the spring, is a touch up ok before then",
    "we started trying in october so I'd like to get it done now",
    "my son was breastfed until last month and still nurses at night sometimes",
    "I was diagnosed with motor neuron disease, the early kind",
    "I'm on thinners since my clot, 81 mg aspirin too",
    "on metaxalone for my back, fine for thursday?",
    "estamos esperando nuestro primer bebé, ¿puedo ir el lunes?",
    "mi niña todavía toma pecho en la noche",
    "me salió una calentura en el labio, ¿me atienden igual?",
])
def test_everyday_words_for_a_contraindication_get_the_deferral(text):
    assert analyse(text).decision == Decision.DEFERRAL


@pytest.mark.parametrize("text", [
    "I'm having a baby shower for my sister that weekend, can we do friday",
    "we're having our kid's birthday party saturday, is sunday open?",
    "we're expecting a delivery so call me after 3",
    "my invoice is due on the 15th, can I pay then",
    "the nurses were lovely last time",
])
def test_the_same_words_in_another_sense_are_not_a_contraindication(text):
    assert analyse(text).decision != Decision.DEFERRAL


@pytest.mark.parametrize("text", [
    "my bf wants to come to the consult with me",
    "can i bring my bf my son and my daughter to the consult?",
    "we want a baby photo shoot next month, will my brows be even by then?",
    "i want a baby botox appointment for my forehead",
])
def test_lookalikes_of_those_words_do_not(text):
    assert analyse(text).decision != Decision.DEFERRAL


@pytest.mark.parametrize("text, decision", [
    ("Syncopal episode an hour ago after my neck tx, brief LOC, still presyncopal", Decision.EMERGENCY),
    ("since friday the tv looks like theres two of it, brows done last week", Decision.EMERGENCY),
    ("we're trying for our second baby this spring, is botox ok?", Decision.DEFERRAL),
    ("active HSV lesion on my lip, appointment thursday, still go ahead?", Decision.DEFERRAL),
    ("what unit split would you recommend for my jaw, R bigger than L", Decision.DOSE),
])
def test_clinical_shorthand_and_plain_variants(text, decision):
    assert analyse(text).decision == decision


@pytest.mark.parametrize("text", [
    "what's the loc of the clinic, the one downtown?",
    "no LOC, no dizziness, just wondering about parking",
])
def test_loc_as_a_word_or_denied_is_not_an_emergency(text):
    assert analyse(text).decision != Decision.EMERGENCY


# Real urgent reports written by review sessions in the words of cues that were then taken out again, because they
# had cost real reports the emergency answer (docs/safety.md): the dev12 round's (questions, past times, reports taken
# back, everyday causes, animals: 49 of 143 lost it) and the fourth session's (habits, contact lenses, parking,
# resolutions: 34 of 123). Every one gets the emergency answer.
REVIEW_FILE = Path(__file__).resolve().parents[1] / "data" / "safety_review_reports.yml"
REVIEW_FILES = (REVIEW_FILE, REVIEW_FILE.parent / "safety_review_reports_habits.yml")
REVIEW_REPORTS = [report for path in REVIEW_FILES for report in yaml.safe_load(path.read_text(encoding="utf-8"))]


def _escalated(texts: list) -> int:
    """How many of the texts get the emergency answer."""
    return sum(analyse(text).decision == Decision.EMERGENCY for text in texts)


def _review(name: str, expect: str) -> list:
    """The texts of tests/data/safety_review_<name>.yml written to get that decision ("emergency", "no_emergency")."""
    items = yaml.safe_load((REVIEW_FILE.parent / f"safety_review_{name}.yml").read_text(encoding="utf-8"))
    return [item["text"] for item in items if item["expect"] == expect]


@pytest.mark.parametrize("text", [report["text"] for report in REVIEW_REPORTS])
def test_real_reports_written_against_removed_cues_are_urgent(text):
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text, decision", [
    ("she does botox every year and this time she is slurring and can't swallow", Decision.EMERGENCY),
    ("we do it every few months and this time my eyelid is heavy and I see two of everything", Decision.EMERGENCY),
    ("i do botox every spring, can it cause trouble swallowing?", Decision.WARNING_SIGNS),
])
def test_a_modal_after_a_subject_tells_and_before_it_asks(text, decision):
    assert analyse(text).decision == decision


# The review's misses are in tests/data/safety_review_reports.yml; a second review probed the rules that read them.
@pytest.mark.parametrize("text", [
    "they told me to call if I can't swallow, and I can't",
    "I read to call if you get double vision, and I have it right now",
    "they told me last year to call if I can't swallow and now I can't",
    "since the facial and botox my throat is closing unlike last time",
    "I was walking my dog and suddenly can't breathe properly",
    "mi perro me mordió y no pude respirar",
    "can someone tell me what to do my throat is closing",
    "me dijeron que llame si no puedo tragar, y no puedo",
    "el papel dice que llame si hablo raro y sí, estoy hablando raro, mi esposo lo notó",
])
def test_a_patients_own_symptom_after_a_pet_a_warning_or_a_request_is_urgent(text):
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "my dog keeps wheezing since this morning, is the vet open sunday?",
    "mi perro no puede tragar bien desde ayer",
    "mi perro veo que no puede respirar",
    "my cat is sitting on my chest lol",
    "what should I do if I can't swallow after the botox?",
    "can anyone see double after botox?",
    "¿Qué hago en caso de que no pueda respirar?",
    "Quiero evitar que me cueste tragar, ¿cuántas unidades me pone?",
    "My husband ran up the stairs and couldn't breathe lol, he's so out of shape. Can I book botox for next week?",
    "He ran up the stairs to bring me ice packs and now he's wheezing, he has asthma. my forehead is fine",
    "after the flu shot and the botox last year I felt weak for a day, all fine now",
    "im so hapy with my reults, thank you",  # not "welts"
])
def test_a_pets_or_partners_symptom_a_question_or_a_typo_stays_calm(text):
    assert analyse(text).decision != Decision.EMERGENCY


@pytest.mark.parametrize("text, decision", [
    ("expecting but its such a teeny dose for the lip, surely thats ok", Decision.DEFERRAL),
    ("expecting a call from you about my booking", Decision.NONE),
    ("¿qué hago si no puedo tragar?", Decision.WARNING_SIGNS),
])
def test_expecting_with_nothing_expected_and_a_spanish_question(text, decision):
    assert analyse(text).decision == decision


@pytest.mark.parametrize("text", [
    "i cant swallow good since my neck botox yesterday",
    "food does not want to go down since tuesday, I have to swallow two or three times",
    "it's a real job getting food down since my masseter shots",
    "my wife is talking like her mouth is full of marbles since noon, she had her lip flip yesterday",
    "there are two of it when I look at a sign, since this afternoon, after my brows",
    "It feels like my throat is shutting. How many units?",
    "I've never had my throat close up like this before",
    "my whole body feels weak and I can barely swallow, I doubt its from the flu",
])
def test_this_rounds_new_words_for_urgent_reports(text):
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "I find your new price list rather difficult to swallow. Is there a discount?",
    "My bank account fainted when it saw the invoice. Do you have a loyalty card?",
    "im so weak at ur before after pics omg, can i book the gumy smile thing",
    "it is a real job getting the kids down for a nap, can I bring them to the consult?",
    "I've never had trouble swallowing before, is that a risk with neck botox?",
])
def test_this_rounds_idioms_are_not_emergencies(text):
    assert analyse(text).decision != Decision.EMERGENCY


@pytest.mark.parametrize("text, decision", [
    ("Tiny problem: there's a tiny human in me, 14 weeks. Surely a tiny bit of botox is fine?", Decision.DEFERRAL),
    ("we started trying for our second baby last month, is the 12th available?", Decision.DEFERRAL),
    ("I'm basically a 24-hour milk bar for a 3-month-old. Can I still get my brows done?", Decision.DEFERRAL),
    ("A big angry pimple right where the injector marked, fine for Saturday?", Decision.DEFERRAL),
    ("How many unidades do I need para my neck bands?", Decision.DOSE),
])
def test_this_rounds_contraindications_and_doses(text, decision):
    assert analyse(text).decision == decision


@pytest.mark.parametrize("text", [
    "me ahogue al tomar agua otra vez, desde la inyeccion del lunes",
    "es normal que me ahogue cuando como? desde el botox",
])
def test_spanish_choking_in_the_subjunctive_or_past_is_urgent(text):
    assert mentions_urgent_symptom(text)


# The dev13 round (2026-12-07): a clinician's words for breathlessness, a pregnancy told in weeks "with my second",
# trying to conceive as a couple in Spanish; and what must not match them.
@pytest.mark.parametrize("text, decision", [
    ("platysma botox yesterday and dyspnoea at rest tonight", Decision.EMERGENCY),
    ("my mom has stridor since her neck injections this morning", Decision.EMERGENCY),
    ("can botox in the neck cause dyspnea?", Decision.WARNING_SIGNS),
    ("no dyspnea or stridor, just a headache since friday", Decision.NONE),
    ("16 wks with my first. my left brow sits higher, can you fix it?", Decision.DEFERRAL),
    ("I've been 3 months with my second provider at another clinic", Decision.NONE),
    ("mi esposo y yo estamos buscando embarazarnos, me puedo poner botox?", Decision.DEFERRAL),
])
def test_the_dev13_rounds_words(text, decision):
    assert analyse(text).decision == decision


@pytest.mark.parametrize("text", [
    "2 weeks with my first and my eyelid is droopy",  # a first treatment, not a baby: the concern path stays
    "3 months with my first, can I get a touch up?",
    "6 weeks with my second one, still heavy brow",
])
def test_weeks_with_a_first_treatment_are_not_a_pregnancy(text):
    assert analyse(text).decision != Decision.DEFERRAL


# The dev14 round (2026-12-07): a second-language "lost conscious" and "my breath is short", fainting in Spanish
# words ("inconsciente", "me desperté en el piso"), "try to make baby", gunk from a bump at the site, a second image
# when looking to the side; and, from its review, what must not match them and what must stay a report. An intake
# form's "Chest pain: no" and a diagnosis "ruled out" were tried as denials and taken back: the review showed them
# denying the report before them ("they ruled out botulism and I still see double").
@pytest.mark.parametrize("text, decision", [
    ("I lost conscious for a minute after botox this morning", Decision.EMERGENCY),
    ("my breath is very short since the neck shots", Decision.EMERGENCY),
    ("me desperté en el piso después del botox", Decision.EMERGENCY),
    ("mi mamá estuvo inconsciente unos segundos", Decision.EMERGENCY),
    ("we try to make baby this year, botox ok?", Decision.DEFERRAL),
    ("some gunk coming out of the bump where you injected my chin", Decision.DEFERRAL),
    ("seeing a second image when I look to the side since Tuesday", Decision.EMERGENCY),
    ("they ruled out botulism and I still see double", Decision.EMERGENCY),
    ("I'm having trouble breathing\nChest pain: no", Decision.EMERGENCY),
    ("I am 10 weeks pregnant\nAllergies: none", Decision.DEFERRAL),
    ("no acne or anything and I'm 8 weeks pregnant so is the treatment area ok", Decision.DEFERRAL),
    ("the second image when i look at the brochure is nicer", Decision.NONE),
    ("self conscious about my gummy smile", Decision.NONE),
    ("I lost conscious of time, sorry for the late reply", Decision.NONE),
    ("trying to make baby food for my son before my appointment", Decision.NONE),
    ("goo coming out of my hair mask lol, anyway what are your hours", Decision.NONE),
])
def test_the_dev14_rounds_words(text, decision):
    assert analyse(text).decision == decision


# The dev15 round (2026-12-07): a form's question answered "no" on its own line, a resolution with its day ("went
# away yesterday"), "she's gone hoarse" (a state, not a resolution), "I'm puffing", heavy eyelids held up or that
# cannot be opened, and sleepiness as what explains heavy eyes.
@pytest.mark.parametrize("text, decision", [
    ("Trouble swallowing? No\nTrouble breathing? No\nDouble vision? No", Decision.NONE),
    ("Allergies: none known\nHives/rash since treatment: no\nWheeze: no", Decision.NONE),
    ("Trouble swallowing? No\nTrouble breathing? Yes, since this morning", Decision.EMERGENCY),
    ("I can't swallow - no", Decision.EMERGENCY),
    ("the rash went away yesterday but today my lips are swelling", Decision.EMERGENCY),
    ("she's gone rather hoarse and her words are a touch slurred, she is sitting beside me", Decision.EMERGENCY),
    ("I'm puffing just walking to the kitchen now", Decision.EMERGENCY),
    ("my eyelids are so droopy and weak I have to hold them up with my finger to see", Decision.EMERGENCY),
    ("my eyelid is hanging down and I can't open that eye properly", Decision.EMERGENCY),
    ("I have to hold my eyelid up to put my contact lenses in", Decision.NONE),
    ("I can't open that eye cream you sold me, the pump is stuck", Decision.NONE),
    ("after a 12-hour night shift I'm not able to keep my eyes open lol", Decision.WARNING_SIGNS),
])
def test_the_dev15_rounds_words(text, decision):
    assert analyse(text).decision == decision


@pytest.mark.parametrize("text", ["The blurry vision went away yesterday, it was my contacts drying out",
                                  "the wheeze cleared up on Sunday", "lo de la vista borrosa ya se me quitó ayer"])
def test_a_resolution_with_its_day_reads_as_past(text):
    """The rules' reading: the day says when it ended (the urgency net may still read the whole message)."""
    assert {f.assertion for f in analyse(text).findings if f.kind == "urgent"} == {Assertion.PAST}


# A code review of the dev15 rules (2026-12-07) found real reports they silenced; every one must stay urgent.
@pytest.mark.parametrize("text", [
    "Can't breathe properly since botox yesterday. Fever? No",
    "Throat closing, can barely breathe. Epipen? None",
    "He can't swallow and his eyelid is drooping, any fever? no",
    "Wife can't breathe properly since lunch - no",
    "Botox was 4 days ago.\nNow she can't swallow and her voice is very weak. Any fever? No\nWhat do we do",
    "Mamá no puede tragar desde el bótox, ¿fiebre? no",
    "She can't breathe\rFever: no",
    "Voice change - no\nVision normal? No\neverything has been blurry and doubled since I woke up and it still is",
    "Symptom checklist:\nHeadache: no\nBruising: no\nSwallowing: very hard, food sticking, getting worse right now",
    "I have to hold my eyelid up to use my phone",
    "I need to tape my eyelid up to do my job",
    "Her voice went away yesterday and she can't talk",
    "The double vision went away yesterday, back again now",
    "wheezing settled last night. started again this afternoon, really struggling now",
    "She is so tired, her eyelids keep closing and won't open",
    "Hubby is exhausted and can't keep his eyes open, he had botox Tuesday and now his eyelids are drooping and weak",
    "Over the past 3 days my eyelid keeps closing on its own",
    "my eyelid won't open, tired of waiting for a callback",
])
def test_reports_the_dev15_rules_once_silenced_are_urgent(text):
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", ["la 2", "el 2", "2", "ok", "15:00"])
def test_a_pick_or_a_number_is_no_report(text):
    assert analyse(text).decision != Decision.EMERGENCY


def test_form_lines_with_windows_line_breaks_are_read_alone():
    assert analyse("Wheeze: no\r\nSwallowing: no\r\n").decision == Decision.NONE


@pytest.mark.parametrize("text", _review("dev15", "emergency"))
def test_real_reports_in_the_words_of_the_dev15_rules_are_urgent(text):
    assert analyse(text).decision == Decision.EMERGENCY


def test_few_harmless_messages_in_the_dev15_words_are_escalated():
    harmless = _review("dev15", "no_emergency")
    assert _escalated(harmless) <= 5


# The dev16 round (2026-12-07): questions the patient answers in their own message (bot/safety/form_answers.py),
# resolutions that are their own clause ("normal since wed", "been perfect for a week now"), "since I was a kid", the
# patient's usual (their own laughter, dry eyes, GERD, talking all day) and idioms about prices.
@pytest.mark.parametrize("text, decision", [
    ("Can she swallow? No. Not since lunch", Decision.EMERGENCY),
    ("Can I open my left eye? Not fully. Can I keep it open? No, it keeps closing on its own.", Decision.EMERGENCY),
    ("¿Puede tragar mi mamá? No. Le pusieron bótox esta mañana", Decision.EMERGENCY),
    ("Breathing ok? No.", Decision.EMERGENCY),
    ("Has the wheezing stopped? No. Getting louder.", Decision.EMERGENCY),
    ("Can she swallow? Yes, but barely.", Decision.EMERGENCY),
    ("Is it hard to breathe? yes", Decision.EMERGENCY),
    ("he's worse, breathing fast and shallow", Decision.EMERGENCY),
    ("Double vision? No. Blurry? No. Just a tiny bruise", Decision.CHECKIN),
    ("voice was hoarse tues, normal since wed 👍", Decision.NONE),
    ("I'm choking on these prices lol. any specials this month?", Decision.NONE),
])
def test_the_dev16_rounds_words(text, decision):
    assert analyse(text).decision == decision


@pytest.mark.parametrize("text, answer", [
    ("Can she swallow? No", " she cannot swallow"),
    ("Is she breathing? No!! Please help", " she cannot breathe!! Please help"),
    ("Vision normal? no", " I have blurred vision"),
    ("Did the double vision go away? no", " still double vision"),
    ("Trouble swallowing? No\nDouble vision? No", "\n"),
    ("Hives? none. Lip swelling? none. Just a few bumps", " . . Just a few bumps"),
    ("Trouble swallowing? no, it's more like it gets stuck", "Trouble swallowing? no, it's more like it gets stuck"),
    ("Any trouble swallowing? No... wait yes", "Any trouble swallowing? No... wait yes"),
    ("Can you see me today? No.", "Can you see me today? No."),
    ("Is it normal that I can barely swallow? yes", "Is it normal that I can barely swallow? yes"),
])
def test_an_answer_to_the_patients_own_question_is_read_as_what_it_says(text, answer):
    assert read_answers(text) == answer


# A code review of the dev16 rules (2026-12-07) found real reports their first version silenced; every one must stay
# urgent.
@pytest.mark.parametrize("text", [
    "Someone at my work said I'm slurring my words",
    "My sister said her husband is driving her to the ER because she can't breathe",
    "I can barely swallow, not my normal at all",
    "Never had trouble breathing in my whole life and now I can't breathe",
    "I can't swallow and I was fine for a week",
    "Seeing double and my eyelid is drooping, it was perfect for a week 😭",
    "Someone on Facebook said to go to the ER because I can't breathe",
    "I watched a YouTube video about this and my eyelid is definitely drooping and I'm seeing double",
    "Trouble swallowing? no, it's more like it gets stuck",
    "Lips swollen? no, my tongue is",
    "My mom has cataracts and now she can't swallow",
    "I have cataracts and everything is suddenly double",
    "I teach all day and I'm short of breath",
    "I'm so excited about my results, only problem is I can't breathe well",
    "I can barely swallow since I was in your office is it a side effect",
    "My vision isn't clear now and everything is double is that a side effect of botox",
    "Can't swallow, was fine since then 😭",
    "I can barely swallow for 5 days after botox is this a side effect",
    "Day 5 and I can't swallow. Now all good? no",
    "I can't breathe and my son is still laughing at me",
    "I have been choking since I was in for botox is that a side effect",
    "I was looking at my after photos and my eyelid is drooping and I'm seeing double",
    "Is my throat closing up? YES. please answer",
    "Is she wheezing? Yes. Loudly. She's sitting next to me",
    "Any trouble breathing? Not really. More like I can't get any air in at all",
    "Veo doble. Ya me siento normal de lo demás",
])
def test_reports_the_dev16_rules_once_silenced_are_urgent(text):
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", _review("dev16", "emergency"))
def test_real_reports_in_the_words_of_the_dev16_rules_are_urgent(text):
    assert analyse(text).decision == Decision.EMERGENCY


def test_a_denied_resolution_leaves_the_message_to_the_urgency_net():
    from bot.safety.context_rules import says_all_is_well

    assert says_all_is_well("it has been normal since monday")
    assert not says_all_is_well("my voice has not been normal since")
    assert not says_all_is_well("nothing is clear now")


def test_few_harmless_messages_in_the_dev16_words_are_escalated():
    harmless = _review("dev16", "no_emergency")
    assert _escalated(harmless) <= 13


@pytest.mark.parametrize("text", ["perdí el sentido del olfato con el covid", "me desperté en el piso de mi novio",
                                  "cuando se fue la luz todo se puso negro", "fui muy inconsciente al no preguntar"])
def test_spanish_words_near_fainting_that_are_not(text):
    assert analyse(text).decision != Decision.EMERGENCY


@pytest.mark.parametrize("text", _review("dev17", "emergency"))
def test_real_reports_in_the_words_of_hearsay_are_urgent(text):
    assert analyse(text).decision == Decision.EMERGENCY


def test_few_harmless_hearsay_messages_are_escalated():
    harmless = _review("dev17", "no_emergency")
    assert _escalated(harmless) <= 15


@pytest.mark.parametrize("text", [
    "saw a reddit post where someone said their throat felt weird after masseter botox. should i be worried",
    "There's a TikTok going around of a girl who says she got double vision from brow botox. Is that real?",
    "Vi un video en TikTok de una muchacha que quedó con el párpado caído. ¿Ustedes cómo evitan eso?",
])
def test_a_symptom_in_a_post_or_a_video_is_asked_about(text):
    assert analyse(text).decision == Decision.WARNING_SIGNS


@pytest.mark.parametrize("text", [
    "my cousin posted on her story that she couldnt swallow after her botox, she's alone in her apartment",
    "My daughter was filming a tiktok and in the video her voice went really hoarse and she said she couldnt breathe",
    "my boss was filming a reel and told her followers she felt like she couldnt breathe, she's on the floor",
    "I was watching a video and everything was blurry",
    "My roommate got botox on Friday and she posted a video where her speech was slurred. What should we do?",
    "Long story short, my aunt had botox on Friday and at dinner she could not swallow. Is that serious?",
    "Bad news, my niece got her botox at 3pm and she passed out in the car. What should we do?",
    "Swallowing got hard at dinner and they told me to wait and see. I read the reviews. What should I do?",
    "Mi prima subió un video, se le trabó la lengua y se le cayó el párpado después del bótox. ¿Es grave?",
])
def test_a_post_or_a_video_with_someone_in_trouble_now_is_urgent(text):
    """The code review of the dev17 round: a relative's own post or video, everyday words ("long story short", "bad
    news", "post botox") and the patient's own symptom beside a review."""
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "I had the same blurry vision in 2022 and it went away on its own, but it's back since my botox on Monday",
    "last year my vision went double after botox and then cleared. Today, 4 days after this round, it's doubled again.",
    "my eyelid from last week's treatment has been drooping and today it won't open at all",
    "Se me cae el párpado y no lo puedo abrir, desde el bótox del jueves",
])
def test_a_symptom_that_is_back_after_it_was_over_is_urgent(text):
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "years ago i had a bit of trouble swallowing for a few days but it went away and never came back",
    "had double vision for a day after my botox in 2020, it has not come back since, can I book again?",
    "what if the botox brings it back? I had trouble swallowing years ago",
    "no se me cayó el párpado, todo bien 🙏 pero una ceja quedó un poquito más alta",
    "I had double vision after botox in 2019, it went away in a week. My frown lines came back, can I book again?",
    "Years ago I fainted at the dentist. My husband is back from his trip so I can come Tuesday.",
    "My eyelid drooped after my last botox but resolved. I am nervous about it happening again. Tips?",
])
def test_a_symptom_that_stayed_away_is_not_back(text):
    assert analyse(text).decision != Decision.EMERGENCY


def test_most_reports_typed_as_a_question_without_a_question_mark_are_urgent():
    """36 of the review's 50 (26 before the rule); the rest are left for later (docs/safety.md)."""
    reports = _review("questions17", "emergency")
    assert _escalated(reports) >= 36


def test_general_questions_without_a_question_mark_are_not_escalated():
    harmless = _review("questions17", "no_emergency")
    assert _escalated(harmless) <= 1


@pytest.mark.parametrize("text", ["can botox do this cant swallow water",
                                  "would botox cause vision this blurry cant read anything at all",
                                  "DOES BOTOX DO THIS VOICE GONE CANT SWALLOW SCARED"])
def test_a_state_told_after_a_question_is_urgent(text):
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "can you not swallow after botox", "can botox do this to everyone",
    "saw a TikTok where a girl couldn't open her eye after botox. that won't happen to me",
])
def test_a_general_question_without_a_question_mark_is_not_urgent(text):
    assert analyse(text).decision != Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "Thanks. While I wait, is it bad that both my eyelids are drooping and I can't keep them open?",
    "my left lid is hanging down and I can't get that eye open all the way, since the brow injection. is that okay?",
    "My eyelid has drooped since Friday and I cannot raise it at all. Is this a recognised complication?",
    "my eyelid is drooping and I'm holding it up with my finger",
    "Is blurred vision normal? mine started yesterday and hasn't cleared",
    "is double vision normal 3 days after?? because I have it",
    "are these hives from the botox? they're spreading down my neck",
    "HAS IT EVER CAUSED SLURRED SPEECH?? MY WIFE IS TALKING LIKE SHE HAD A STROKE RIGHT NOW",
    "Has your clinic's botox ever caused hives? I'm covered in them and my eyes are puffing shut",
    "oye tengo silbidos al respirar y me cuesta meter aire, ¿es normal después del botox?",
])
def test_reports_told_as_questions_are_urgent(text):
    """The dev18 round: a lid that cannot be kept open, raised or got open; a symptom asked about in general and then
    owned ("mine started yesterday"); hives pointed at; a voice like a stroke's; eyes swollen shut."""
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "is double vision normal after botox? i have it booked for friday",
    "Is blurry vision a side effect? Mine is fine, just nervous for Friday.",
    "Is fainting common after botox? Mine is at 3pm today.",
    "Can you faint from botox? That happening to me at work would be a nightmare.",
    "Are these hives in the photo on your website what an allergic reaction looks like?",
    "The lid is stuck and I can't get it open, can you send a new jar of the aftercare balm?",
    "Your promo code is invalid and I cannot get it to apply at checkout",
    "When I put my contacts in I pull my upper lid and hold it up with a finger, can I still do that after botox?",
    "I worked a double night shift, my eyelids are so heavy and I can't keep them open lol",
    "double vision totally normal today do I still need the follow up?",
])
def test_the_dev18_rules_reach_no_further(text):
    """The code review of the dev18 round: a lid of a jar, "invalid", a question then a booking or all well."""
    assert analyse(text).decision != Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "I'm prone to hives and my lips and tongue are swelling up and my throat feels tight",
    "Is wheezing ever caused by botox because I am wheezing and short of breath?",
    "is double vision something people get after brow botox because I'm seeing double?",
    "is it normal for patients to feel this weak and short of breath after neck botox?",
    "what's the difference between anxiety and anaphylaxis my throat feels tight and my lips are swelling",
    "Imagine my panic when my lips and tongue started to swell up at dinner",
    "say my husband's lips are swelling and he's wheezing is that an allergic reaction?",
])
def test_reports_in_the_words_of_a_general_question_are_urgent(text):
    """Cues of questions in general ("prone to", "ever caused", "imagine", ...) were tried in the dev18 round and
    taken back: a code review found 23 real reports like these that they silenced."""
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", ["I'm so weak for a good discount code haha got any?",
                                  "i'm weak for a good deal, any first-time discount?"])
def test_weak_for_a_deal_is_an_idiom(text):
    assert analyse(text).decision != Decision.EMERGENCY


def test_an_infection_that_has_gone_angry_is_now():
    text = "Got a pimple that's gone a bit angry and infected right on my chin where you'll inject. No need to cancel?"
    assert analyse(text).decision == Decision.DEFERRAL


def test_real_reports_in_the_words_of_a_general_question_are_urgent():
    """59 of the review's 60 (55 before the round); the one missed is in docs/safety.md."""
    reports = _review("dev18", "emergency")
    assert _escalated(reports) >= 59


def test_few_harmless_messages_in_the_words_of_a_general_question_are_escalated():
    harmless = _review("dev18", "no_emergency")
    assert _escalated(harmless) <= 12


def test_most_run_on_reports_after_a_question_are_urgent():
    reports = _review("state18", "emergency")
    assert _escalated(reports) >= 18


def test_few_harmless_run_on_messages_after_a_question_are_escalated():
    """Events after a question ("passed out twice", "collapsed", "giving out") as a state of now were tried in the
    dev18 round: they escalated 17 of these 40 (8 without), and caught no more of the 20 real reports."""
    harmless = _review("state18", "no_emergency")
    assert _escalated(harmless) <= 8


@pytest.mark.parametrize("text", [
    "sorry to bother you, my eyelid started drooping yesterday and today it's covering half my pupil",
    "i look like im winking at everyone permanently 😩 lid is just DOWN and wont go up",
    "I'm okay just can't really see straight, stuff looks kinda ghosty",
    "my eyes wont line up, the lines on the road split apart so I pulled over",
    "I sound like I've had six beers and I've had zero",
    "it's like my tongue fell asleep. every single word takes effort",
    "lmao my body has forgotten how to swallow. took me 4 tries to get one grape down",
    "bf sounds like a squeaky toy when he breathes and he's sitting bolt upright trying to get air",
    "my lungs feel half full no matter how deep I try to pull",
    "lol noodle arms. like actual noodle. cant open a water bottle",
    "lights going dim, ears ringing, think im going down",
    "estoy flojísima, las piernas no me aguantan, no sé qué me pasa",
    "mi pana se privó y ahora está volviendo en sí pero está mareao, está conmigo",
])
def test_symptoms_told_without_medical_words_are_urgent(text):
    """The dev19 round: reports in everyday words."""
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "the price is doubled now?", "hoy se ve nublado, ¿abren?", "soy flojísima para el ejercicio jaja",
    "I'm swallowing 3 pills a day for my lungs (asthma), ok to book botox for Friday?",
    'I always forget how to swallow pills, can I get arnica as a cream instead?',
    'took me 2 tries to get my toddler down for a nap, running late',
    "The air won't go in my tire, running 15 min late",
    'lol I sound like I had too many drinks in that voicemail, sorry',
    "The girl at the desk can't even say my name right lol",
    'the dentist numbed me this morning, my tongue is asleep lol, can I still come at 3?',
    'writing my review, every word takes forever because I want it perfect',
    'Did you get my message? It looks ghosted on my end',
    'my eye cream and serum are not working together',
    "my eyes don't line up in photos, always been like that since I was a kid, can botox help?",
    'My card charge is doubled, can you refund one?',
    "I'm outside, I can't turn the door handle, is the front door locked?",
    "I can't get myself up for 8am on Saturdays, any afternoon slots?",
    'My arms went heavy holding my phone on hold with you for 20 minutes lol',
    'I have hooded lids, the skin is kind of covering half my eye, can a brow lift help?',
    'My eye gets stuck shut in the morning from my lash glue, can I still do botox?',
    'Your prices dropped so low, is there a catch?',
    'my bank balance dropped so low after the holidays',
    'my new bangs are so long I can barely see out of one eye haha',
    'I have little red spots on my chest, cherry angiomas I think, can you remove them?',
    'red spots on my legs from shaving, can I still get laser?',
    "I've been itching so much to book my next facial!",
    'mosquito bites itching so bad from the camping trip, ok for botox?',
    'Your post with my lips blew up on TikTok!',
    'my face post blew up on instagram',
    "After my appointment I'm going to hit the deck at the pool",
    'I slumped over my desk all day and my neck hurts, do you do tox for neck tension?',
    "I think I'm going down to the 2pm slot instead",
    'el aire no llega a la sala de espera, hace mucho calor',
    'nos está costando respirar de la risa con tu meme jaja',
    'me cuesta sacar las palabras para agradecerles, quedé feliz',
    'tengo el asistente de voz apagado, mejor escríbanme',
    'no puedo enfocar la cámara para la foto de antes y después',
    'no puedo enfocarme en el trabajo',
    'todo se ve nublado afuera, ¿siguen abiertos con la lluvia?',
    'mis piernas no aguantan más la cera, ¿hacen depilación láser?',
    'hoy estoy flojísima, ¿puedo cambiar mi cita para mañana?',
    'mi bebé de 2 meses aún no puede sostener la cabeza',
    'con este sueño el ojo se me está cerrando jaja',
    'mi amiga se privó a carcajadas con el video',
    'estaba como volviendo en sí después de la siesta jaja',
])
def test_everyday_words_of_the_dev19_round_are_not_urgent(text):
    """A code review of the dev19 round found each of these escalated by its first version."""
    assert analyse(text).decision != Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    'my lid is covering the top of my pupil since this morning',
    'no puedo subir el párpado, se me cerró el ojo',
    'my vision is fading to grey, I need to sit down',
    "she's slumped in the chair and not answering me",
    'se me doblan las piernas y no me sostengo',
    'no logro enfocar la vista desde ayer',
])
def test_more_reports_in_everyday_words_are_urgent(text):
    """Reports the code review of the dev19 round wrote in the words of its narrowed patterns."""
    assert analyse(text).decision == Decision.EMERGENCY


def test_spanish_reports_in_the_words_of_the_dev20_round_are_urgent():
    """Food that will not go down, water the wrong way, "enredado" speech, legs that do not hold, a lid closing by
    itself."""
    reports = _review("dev20", "emergency")
    assert [text for text in reports if analyse(text).decision != Decision.EMERGENCY] == []


def test_few_spanish_lookalikes_of_the_dev20_round_are_escalated():
    """A toddler, a tongue twister, tequila or no sleep are not; legs that do not hold after a marathon, dancing or leg
    day still are (3), as before the round."""
    harmless = _review("dev20", "no_emergency")
    assert _escalated(harmless) <= 4


def test_reports_with_a_lid_that_wont_stay_up_or_a_sign_that_has_not_cleared_are_urgent():
    """29 of the review's 30; the one missed (a mother's lips "growing bigger as i watch") is in docs/safety.md."""
    reports = _review("dev21", "emergency")
    assert _escalated(reports) >= 29


def test_blinds_that_wont_stay_up_and_a_bruise_that_has_not_gone_down_are_not_escalated():
    harmless = _review("dev21", "no_emergency")
    assert not [text for text in harmless if analyse(text).decision == Decision.EMERGENCY]


@pytest.mark.parametrize("text", [
    "worth worrying about? my vision went blurry an hour ago and hasn't cleared. had the botox for my brows 5 days ago",
    "the lid won't stay up, my left eye is half shut and I can't force it open",
    "I'm at my desk trying to work and I have to tilt my head back to see because my left eyelid won't stay up.",
    "Also my eyelid's been drooping lower and lower since the shots on Wednesday and now it's pretty much closed",
])
def test_a_sign_that_has_not_cleared_and_a_lid_that_wont_stay_up_are_urgent(text):
    """The dev20 and dev21 rounds."""
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "my eyelid was drooping last week but now it is fine",
    "the eyelid drooped a bit, now its closed the gap with the other one?",
    "blurry vision for a day after my botox in 2019, it has not come back",
])
def test_a_lid_that_is_fine_now_or_a_gap_that_closed_is_not_escalated(text):
    assert analyse(text).decision != Decision.EMERGENCY


def test_reports_in_the_everyday_words_of_the_dev21_dev22_round_are_urgent():
    reports = _review("dev22", "emergency")
    assert [text for text in reports if analyse(text).decision != Decision.EMERGENCY] == []


def test_few_harmless_messages_in_the_everyday_words_of_the_dev21_dev22_round_are_escalated():
    """Braces, a straw, yoga, a photo filter and a surprise party are not; the eight escalated before the round still
    are ("my words sound garbled" on a bad phone line, "finding it hard to breathe in this heat wave")."""
    harmless = _review("dev22", "no_emergency")
    assert _escalated(harmless) <= 8


@pytest.mark.parametrize("text", [
    "No he dormido nada porque no puedo respirar bien desde el botox",
    "Vengo del gimnasio y no puedo tragar ni mi saliva",
    "Bailé toda la noche en la boda y hoy de repente no puedo tragar",
    "Sí, es cierto que me cuesta respirar",
    "Es cierto que se me cae el parpado, no lo puedo abrir",
    "My eyelid drooped all morning and now it's pretty much all the way closed",
    "Desde el botox no me pasan los líquidos",
    "El agua se me va por otro lado desde ayer",
    "Mi mamá se puso botox y ahora se le va el agua por otro lado",
    "Las pastillas grandes se me quedan en la garganta desde el botox",
    "Se me cierra el ojo solito desde ayer",
])
def test_reports_a_code_review_wrote_against_the_dev20_round_are_urgent(text):
    """Everyday causes in Spanish ("no he dormido", "gimnasio", "baile") and "es cierto" as a question silenced these;
    both were taken back. The others are variants the first words missed."""
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "My bruise hasn't gone down and I was told to call if I get trouble swallowing",
    "I'm worried about an allergic reaction because the swelling on my forehead hasn't gone down",
    "Is the bump getting bigger a sign of an allergic reaction?",
    "As I write this I'm wondering if botox can cause trouble breathing",
    "I have not stopped taking my antihistamine for hives, can I still get botox on friday",
    "I called about my eyelid drooping a little after botox but now it's closed, what are your hours tomorrow?",
    "My eyelid drooped a bit after my botox in 2021. Now it is closed season for me, no more tox lol",
    "Estoy amamantando y no me baja la leche, puedo ponerme botox?",
    "Siempre se me enreda la lengua cuando hablo rápido, eso tiene que ver con el botox?",
    "Mi hijo de 3 años habla enredado desde que empezó a hablar, ustedes atienden niños?",
    "De vez en cuando se me va el agua por otro lado, es normal?",
])
def test_harmless_messages_a_code_review_wrote_against_the_dev20_round_are_not_escalated(text):
    """A sign that has not gone reaches back only to the symptom just before it; a closed lid ends its clause in its
    own sentence; milk that does not come, a habit and a child are not a report."""
    assert analyse(text).decision != Decision.EMERGENCY


def test_reports_hedged_with_a_conditional_are_urgent():
    reports = _review("conditionals", "emergency")
    assert [text for text in reports if analyse(text).decision != Decision.EMERGENCY] == []


def test_few_symptoms_imagined_in_a_conditional_or_told_of_someone_else_are_escalated():
    """Imagined 5 of 25 (a bare "emergency" still counts as now), someone else's episode that is over 8 of 25, as
    before the round."""
    harmless = _review("conditionals", "no_emergency")
    assert _escalated(harmless) <= 13


# The code review of the conditionals round (docs/safety.md): an "if" that conditions nothing, or a plea for help,
# leaves a report a report.
@pytest.mark.parametrize("text", [
    "sorry if i got the wrong number i cant breathe please help",
    "idk if i got the right number my lips swelled up help",
    "if i had to describe it my throat feels like its closing 911??",
    "wondering if i had an allergic reaction my lips swelled up 911",
    "feels as if i had something stuck i cant swallow help",
    "me siento como si me ahogara no puedo respirar ayuda",
    "sorry if i got the wrong person i cant swallow help",
    "idk if i started reacting my lips are swelling help",
    "dont know if i got a bad batch my throat swelled up 911",
    "no se si me hiciera mal el botox no puedo tragar ayuda",
    "what would i do if i started having trouble breathing after my appointment? asking bc it's happening right now",
    "in case it matters my vision went double an hour ago, I had brows done last week",
])
def test_a_report_beside_an_if_is_urgent(text):
    assert analyse(text).decision == Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "if I felt short of breath after treatment should I call you or 911?",
    "suppose I got double vision, could I still drive home or do I need a ride?",
    "in the unlikely event that I were to experience general muscle weakness after the jawline treatment, is there an"
    " antidote?",
    "do you keep meds on site in case a client has an allergic reaction?",
])
def test_a_symptom_imagined_in_a_conditional_gets_the_warning_signs(text):
    assert analyse(text).decision == Decision.WARNING_SIGNS


def test_reports_beside_a_time_long_ago_are_urgent():
    reports = _review("longago", "emergency")
    assert [text for text in reports if analyse(text).decision != Decision.EMERGENCY] == []


def test_few_episodes_over_long_ago_are_escalated():
    """22 of 30 with the long-ago afterword, 23 before it."""
    harmless = _review("longago", "no_emergency")
    assert _escalated(harmless) <= 22


@pytest.mark.parametrize("name, caught", [("longago_code", 300), ("longago_code2", 334)])
def test_no_report_the_long_ago_code_reviews_wrote_is_lost(name, caught):
    items = yaml.safe_load((REVIEW_FILE.parent / f"safety_review_{name}.yml").read_text(encoding="utf-8"))
    reports = [i["text"] for i in items if i["expect"] == "emergency" and not i.get("missed_before_the_rule")]
    assert len(reports) == caught
    assert [text for text in reports if analyse(text).decision != Decision.EMERGENCY] == []


def test_few_episodes_over_the_long_ago_code_review_wrote_are_escalated():
    """85 of 136 with the long-ago afterword, 112 before it."""
    harmless = _review("longago_code", "no_emergency")
    assert _escalated(harmless) <= 85


@pytest.mark.parametrize("text", [
    "once my eyes swelled shut from a hair dye, years ago. just letting you know before the appt",
    "had a reaction to shellfish, lips swelled up, that was 4 years ago. can I still get botox?",
    "I blacked out once at a concert from the heat, like 10 years ago",
    "couldn't swallow for a week after my tonsils came out, in 2015",
])
def test_a_symptom_dated_long_ago_after_it_is_past(text):
    assert analyse(text).decision != Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "I can't breathe, years ago",
    "I can't breathe and my lips are huge, I had a reaction like this once, years ago",
    "my throat swelled up again, like 3 years ago",
    "throat closing up, like when i was a kid",
    "my lips swelled up, years ago. now they are swelling again since my botox this morning",
])
def test_a_symptom_now_beside_a_time_long_ago_is_urgent(text):
    assert analyse(text).decision == Decision.EMERGENCY


def test_lids_that_cannot_be_lifted_are_urgent():
    """Eight of the review's 40 reports are still missed (a lid taped up to see, one that "won't reopen", a head tipped
    back to see); the floor keeps the 32 it reads."""
    reports = _review("eyelid", "emergency")
    assert _escalated(reports) >= 32


def test_few_lids_of_jars_laptops_dolls_or_sleepy_babies_are_escalated():
    harmless = _review("eyelid", "no_emergency")
    assert _escalated(harmless) <= 6


# The eyelid words' two code reviews (docs/safety.md): a jar's, a bin's or a laptop's lid, eye cream, lash glue, eyelid
# tape, a doll, a photo, an eye exam, a stye and sleepiness are not a drooping eyelid; reports in the words the reviews
# found missing are.
@pytest.mark.parametrize("text", [
    "the toilet lid keeps falling shut on my son, any tips?",
    "my eye cream jar is new but i tried to open it and it wont budge",
    "my left lid is stuck down from the lash glue lol how do i get falsies off",
    "lifting the lid to see if the rice is done and burnt my thumb",
    "my contact lens slipped up under my lid, im lifting my eyelid up with my finger to see if i can find it",
    "my laptop lid dropped closed during the zoom and now it wont reopen",
    "her dolls left lid is stuck down and wont flip up",
    "my eyelid tape fell and i cannot get it back on straight",
    "my lid fell down on my suitcase and now i cannot open it",
    "the optometrist was holding my lid open to see the back of my eye",
    "i was holding up my lid with my finger to see the stye better",
    "my lid keeps drooping closed when i apply mascara",
    "my eye primer is a new tube, i tried to open it and it does not open",
])
def test_a_lid_that_is_not_a_drooping_eyelid_is_not_urgent(text):
    assert analyse(text).decision != Decision.EMERGENCY


@pytest.mark.parametrize("text", [
    "my eyelid dropped yesterday and it wont come back up",
    "when i try to open my left eye wide nothing happens, the lid just sits there",
    "she is holding her eyelid open with her fingers to see the tv",
    "my left lid is stuck down, cant open it",
    "my eyelid drooped and it is weak since yesterday",
    "my eyelid dropped and now i can't raise the lid",
])
def test_an_eyelid_that_cannot_be_lifted_is_urgent(text):
    assert analyse(text).decision == Decision.EMERGENCY
