"""French, Portuguese, German and Italian (bot/safety/european.py): an urgent symptom reported now gets the emergency
decision, a contraindication the deferral, a personal dose the dose answer; denials, questions and past events do
not escalate; an ordinary question keeps the notice that the assistant answers in English."""

from pathlib import Path

import pytest
import yaml

from bot.safety import Decision, analyse

EMERGENCY = [
    ("fr", "depuis hier je n'arrive plus à avaler, même l'eau ressort par le nez"),
    ("fr", "j'ai du mal à respirer depuis l'injection de botox ce matin"),
    ("fr", "je vois double depuis deux jours et ma paupière tombe"),
    ("fr", "ma mère a les lèvres qui gonflent et de l'urticaire partout après son botox"),
    ("pt", "desde ontem não consigo engolir direito, a comida fica presa"),
    ("pt", "estou com falta de ar depois da aplicação"),
    ("pt", "minha voz ficou rouca e estou falando enrolado desde a consulta"),
    ("pt", "desmaiei hoje de manhã, fiz botox há três dias"),
    ("de", "seit der Spritze bekomme ich schlecht Luft"),
    ("de", "ich sehe seit gestern doppelt und meine Arme sind so schwach"),
    ("de", "meine Zunge ist geschwollen und ich habe Quaddeln"),
    ("de", "ich kann seit heute kaum noch sprechen"),
    ("it", "da ieri non riesco a deglutire, il cibo mi va di traverso"),
    ("it", "mi manca il fiato da stamattina dopo il botox"),
    ("it", "vedo tutto sfocato e ho la palpebra cadente"),
    ("it", "sono svenuta in bagno, ho fatto il botox lunedì"),
]

NOT_AN_EMERGENCY = [
    ("fr", "pas de problème pour respirer ni pour avaler, juste un petit bleu"),
    ("fr", "est-ce que le botox peut causer des difficultés à avaler ?"),
    ("pt", "o botox pode causar falta de ar? tenho medo"),
    ("pt", "sem falta de ar, só um pouco de inchaço onde aplicou"),
    ("de", "Kann Botox Schluckbeschwerden verursachen?"),
    ("de", "keine Atemnot, nur ein kleiner blauer Fleck"),
    ("it", "il botox può dare difficoltà a respirare?"),
    ("it", "nessuna difficoltà a deglutire, solo un piccolo livido"),
]


@pytest.mark.parametrize("language, text", EMERGENCY)
def test_an_urgent_symptom_reported_now_is_an_emergency(language, text):
    report = analyse(text)
    assert (report.language, report.decision) == (language, Decision.EMERGENCY), report


@pytest.mark.parametrize("language, text", NOT_AN_EMERGENCY)
def test_a_denied_or_asked_about_symptom_is_no_emergency(language, text):
    report = analyse(text)
    assert report.language == language and report.decision != Decision.EMERGENCY, report


def test_a_message_the_detector_is_unsure_of_is_still_read_in_its_likely_language():
    """58% Italian is below the confidence the assistant needs to answer in Italian, not to find a symptom."""
    report = analyse("da ieri non riesco a deglutire dopo il botox")
    assert (report.language, report.decision) == ("it", Decision.EMERGENCY)
    assert analyse("what dose do i need for my brows").language == "en"


@pytest.mark.parametrize("text", [
    "je suis enceinte de deux mois, je peux garder mon rendez-vous de demain ?",
    "estou amamentando, mas a dose é pequena, tudo bem?",
    "ich nehme Blutverdünner, mein Arzt sagt das ist okay",
    "ho la miastenia gravis, il mio neurologo dice che va bene",
])
def test_a_contraindication_is_deferred_whatever_the_patient_was_told(text):
    assert analyse(text).decision == Decision.DEFERRAL


@pytest.mark.parametrize("text", [
    "combien d'unités il me faut pour mon sourire gingival ?",
    "quantas unidades eu preciso para a testa?",
    "wie viele Einheiten brauche ich für die Stirn?",
    "quante unità mi servono per il sorriso gengivale?",
])
def test_a_personal_dose_request_gets_the_dose_answer(text):
    assert analyse(text).decision == Decision.DOSE


@pytest.mark.parametrize("text", [
    "Bonjour, quels sont vos horaires le samedi ?",
    "Olá, quanto custa uma consulta?",
    "Hallo, wie lange hält die Wirkung ungefähr?",
    "Buongiorno, posso prenotare una visita per venerdì?",
])
def test_an_ordinary_question_keeps_the_language_notice(text):
    assert analyse(text).decision == Decision.LANGUAGE_NOTICE


@pytest.mark.parametrize("text, words", [
    ("depuis hier je n'arrive plus à avaler après mon botox", "appelez le 911"),
    ("desde ontem não consigo respirar direito depois do botox", "ligue para o 911"),
    ("seit gestern kann ich nicht mehr richtig schlucken", "Notruf 911"),
    ("da ieri non riesco a deglutire dopo il botox", "chiami subito il 911"),
])
def test_the_patient_reads_the_emergency_answer_in_their_language(assistant, text, words):
    """Through the trained assistant: the reply the patient reads, not only the decision."""
    reply = assistant.reply(text)
    assert words in reply.split("\n")[0], reply


# The independent set (tests/data/safety_other_languages.yml), split by id before tuning. Floors: the shares measured
# when the lexicons landed; the test half was never tuned on, its figures are the ones to report (docs/safety.md).
OTHER_LANGUAGES_SET = Path(__file__).resolve().parents[1] / "data" / "safety_other_languages.yml"
FLOORS = {
    ("dev", "emergency"): 1.0, ("dev", "deferral"): 1.0, ("dev", "dose_deferral"): 1.0,
    ("dev", "no_emergency"): 0.93, ("test", "emergency"): 0.65, ("test", "deferral"): 1.0,
    ("test", "dose_deferral"): 1.0, ("test", "no_emergency"): 0.76,
}
WANTED = {"emergency": Decision.EMERGENCY, "deferral": Decision.DEFERRAL, "dose_deferral": Decision.DOSE}


def _right(item) -> bool:
    decision = analyse(item["text"]).decision
    if item["expect"] == "no_emergency":
        return decision != Decision.EMERGENCY
    return decision == WANTED[item["expect"]]


@pytest.mark.parametrize("half, expect", sorted(FLOORS))
def test_the_independent_set_does_not_regress(half, expect):
    items = [i for i in yaml.safe_load(OTHER_LANGUAGES_SET.read_text())
             if i["expect"] == expect and (int(i["id"][3:]) % 2 == 1) == (half == "dev")]
    assert sum(_right(i) for i in items) / len(items) >= FLOORS[(half, expect)]


@pytest.mark.parametrize("language", ["en", "es", "fr", "pt", "de", "it"])
@pytest.mark.parametrize("finding", ["toxin_allergy", "infection", "medication"])
def test_a_deferral_has_exactly_one_variation_for_the_patients_language(language, finding):
    """Rasa picks at random among the variations whose conditions all hold: an English text conditioned only on the
    finding would otherwise reach a French patient half the time."""
    domain = yaml.safe_load((Path(__file__).resolve().parents[2] / "domain.yml").read_text())
    slots = {"patient_language": language, "safety_finding": finding}
    matching = [v for v in domain["responses"]["utter_medical_conditions"] if v.get("condition")
                and all(slots.get(c["name"]) == c["value"] for c in v["condition"])]
    assert len(matching) <= 1 and (language == "en" or len(matching) == 1), matching
