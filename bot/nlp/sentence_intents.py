"""Intent classification on all-MiniLM-L6-v2 sentence embeddings, blended with DIET's ranking (config.yml).

DIET on sparse features reads words; patients' long stories, slang and typos are better read by a pretrained
sentence encoder (bot/nlp/sentence_encoder.py). A logistic regression over the embeddings is trained with the
model; at run time its probabilities are blended with DIET's: `weight` * encoder + (1 - weight) * DIET.
Measured on the NLU evaluation set's development part (docs/nlu-report.md): DIET alone 0.72, the encoder alone 0.85,
the blend at 0.7 0.86. Rasa's LanguageModelFeaturizer feeding DIET did worse than either (0.53) and 6x slower.
The encoder reads English only, so a message the language detector finds in another language (bot/safety/language.py)
leans on DIET, whose character n-grams read Spanish: `weight_other_languages` instead of `weight`
(docs/nlu-evaluation.md).
The weights are stored as plain arrays, not a pickle, with the training vocabulary that typos are corrected
towards before encoding (bot/nlp/spelling.py).

A message that asks two questions ("how much is it, and do you take credit cards?") is split into its parts
(bot/nlp/question_parts.py); a part whose own intent is another question, confidently, is added as the entity
`also_asked` (role "before" when it was asked before the main question), and bot/nlp/nlg.py answers it too. A
booking request beside a question ("how much is it? I'd like to book") makes the booking the intent and the question
`also_asked`, answered as the booking starts.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp import sentence_encoder
from bot.nlp.question_parts import (
    ALSO_ASKED,
    BOOKING,
    REQUESTS,
    Part,
    is_a_question,
    question_parts,
    sentence_parts,
)
from bot.nlp.spelling import Speller, vocabulary
from bot.nlp.treatment_concern import reports_a_treatment_problem
from bot.safety.language import detect_language

WEIGHTS_FILE = "sentence_intents.npz"
RANKING_LENGTH = 10
QUESTION_PREFIX = "ask_"
SAFETY_QUESTIONS = {"ask_pregnancy", "ask_medical_conditions", "ask_dose", "ask_side_effects", "report_emergency"}
# How likely a reading of the whole message must be for its sentences to be read one by one as a request beside a
# question, and for a safety question to leave the message as it is. Ranks were used until 2026-12-07: a retrain put
# "ask_dose" at 0.054 above "book_consultation" at 0.048 in "how much is botox per unit? i want to book a consult".
REQUEST_READING = 0.03
SAFETY_READING = 0.1


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SentenceEncoderIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"weight": 0.7, "weight_other_languages": 0.3, "C": 10.0, "max_iter": 3000,
                "second_question_threshold": 0.5}

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        weights: Optional[Dict[str, np.ndarray]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._weights = weights
        self._speller = Speller(_counts(weights), _other_words(weights)) if weights is not None else None

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> GraphComponent:
        with model_storage.read_from(resource) as directory:
            with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as stored:
                weights = {name: stored[name] for name in stored.files}
        sentence_encoder.encode(["warm up"])  # loads the encoder now, not on a patient's first message
        return cls(config, model_storage, resource, weights)

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.linear_model import LogisticRegression

        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        fitted = LogisticRegression(C=self._config["C"], max_iter=self._config["max_iter"]).fit(
            sentence_encoder.encode([m.get(TEXT) for m in examples]), [m.get(INTENT) for m in examples]
        )
        counts = vocabulary(m.get(TEXT) for m in training_data.training_examples if _in_english(m))
        other_words = sorted(vocabulary(m.get(TEXT) for m in training_data.training_examples
                                        if m.get(TEXT) and not _in_english(m)))
        self._weights = {
            "coef": fitted.coef_, "intercept": fitted.intercept_, "intents": fitted.classes_.astype(str),
            "words": np.array(sorted(counts), dtype=str), "word_counts": np.array([counts[w] for w in sorted(counts)]),
            "other_words": np.array(other_words, dtype=str),
        }
        self._speller = Speller(counts, other_words)
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / WEIGHTS_FILE, **self._weights)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [m for m in messages if m.get(TEXT) and self._weights is not None]
        if not with_text:
            return messages
        for message, probabilities in zip(with_text, self._read([m.get(TEXT) for m in with_text]), strict=True):
            self._blend(message, probabilities)
            self._add_second_question(message)
        return messages

    def _add_second_question(self, message: Message) -> None:
        main = message.get(INTENT)["name"]
        if self._add_question_beside_request(message, main):
            return
        parts = question_parts(message.get(TEXT))
        if len(parts) < 2 or not main.startswith(QUESTION_PREFIX):
            return
        probabilities = self._read([part.text for part in parts])
        known = list(self._weights["intents"])
        main_part = int(probabilities[:, known.index(main)].argmax()) if main in known else 0
        for index, (part, row) in enumerate(zip(parts, probabilities, strict=True)):
            intent, confidence = str(known[row.argmax()]), float(row.max())
            if index == main_part or intent == main or not intent.startswith(QUESTION_PREFIX):
                continue
            if confidence >= self._config["second_question_threshold"]:
                _add_also_asked(message, intent, part, "before" if index < main_part else "after", confidence)
                return

    def _add_question_beside_request(self, message: Message, main: str) -> bool:
        """"I'd like to book. How much is it?": when a request (book, move, cancel) is a reading of the message as a
        whole (REQUEST_READING; such a message is half of each), its sentences are read one by one, not only its
        questions; other messages cost no more. A part that asks for the request and another that asks a question
        make the request the intent and the question `also_asked`. Only a booking request outranks a question read as
        the main intent, and only one not itself asked as a question: "what if I have to cancel?" or "do I need to
        book first?" asks, it does not request. Left as they are: a message in another language (its answer may
        exist where the request's does not), a safety question anywhere in it (SAFETY_READING), and a problem after a
        treatment (the concern path reads the question's reading)."""
        text = message.get(TEXT)
        ranking = message.get(INTENT_RANKING_KEY) or []
        if not any(r["name"] in REQUESTS and r["confidence"] >= REQUEST_READING for r in ranking) \
                or any(r["name"] in SAFETY_QUESTIONS and r["confidence"] >= SAFETY_READING for r in ranking) \
                or detect_language(text) != "en":
            return False
        parts = sentence_parts(text)
        if len(parts) < 2 or reports_a_treatment_problem(text):
            return False
        known = self._weights["intents"]
        confident = [
            (index, str(known[row.argmax()]), float(row.max()))
            for index, row in enumerate(self._read([part.text for part in parts]))
            if row.max() >= self._config["second_question_threshold"]
        ]
        if any(intent in SAFETY_QUESTIONS for _, intent, _ in confident):
            return False
        request = next(((i, intent) for i, intent, _ in confident if intent in REQUESTS), None)
        question = next(
            ((i, intent, confidence) for i, intent, confidence in confident
             if intent.startswith(QUESTION_PREFIX) and is_a_question(parts[i].text)),
            None,
        )
        if request is None or question is None:
            return False
        index, intent = request
        outranks = intent == BOOKING and main.startswith(QUESTION_PREFIX) and not is_a_question(parts[index].text)
        if intent != main and not outranks:
            return False
        _make_main(message, intent)
        asked, question_intent, confidence = question
        _add_also_asked(message, question_intent, parts[asked], "before" if asked < index else "after", confidence)
        return True

    def _read(self, texts: List[str]) -> np.ndarray:
        """Intent probabilities of each text, read with its typos corrected, unless the text as written reads as a
        safety question (a contraindication, a dose, side effects): a correction never takes a message away from a
        safety answer. The text as written is encoded for the safety analyser anyway (cached)."""
        probabilities = self._probabilities(sentence_encoder.encode(texts))
        corrected = [self._speller.correct(text) for text in texts]
        known = self._weights["intents"]
        changed = [
            n for n, (text, fixed) in enumerate(zip(texts, corrected, strict=True))
            if text != fixed and known[probabilities[n].argmax()] not in SAFETY_QUESTIONS
        ]
        if changed:
            probabilities[changed] = self._probabilities(sentence_encoder.encode([corrected[n] for n in changed]))
        return probabilities

    def _probabilities(self, vectors: np.ndarray) -> np.ndarray:
        scores = vectors @ self._weights["coef"].T + self._weights["intercept"]
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)

    def _blend(self, message: Message, probabilities: np.ndarray) -> None:
        english = detect_language(message.get(TEXT)) == "en"
        weight = self._config["weight" if english else "weight_other_languages"]
        diet = {r["name"]: r["confidence"] for r in message.get(INTENT_RANKING_KEY) or []}
        blended = {
            str(intent): weight * float(p) + (1 - weight) * diet.get(str(intent), 0.0)
            for intent, p in zip(self._weights["intents"], probabilities, strict=True)
        }
        ranking = [
            {"name": name, "confidence": confidence}
            for name, confidence in sorted(blended.items(), key=lambda item: -item[1])[:RANKING_LENGTH]
        ]
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


def _add_also_asked(message: Message, intent: str, part: Part, role: str, confidence: float) -> None:
    also = {"entity": ALSO_ASKED, "value": intent, "start": part.start, "end": part.end, "role": role,
            "confidence": confidence}
    message.set(ENTITIES, message.get(ENTITIES, []) + [also], add_to_output=True)
    # The other question is asked too, not a rival reading of this one: the fallback's ambiguity check must not weigh
    # the two against each other.
    ranking = [r for r in message.get(INTENT_RANKING_KEY) if r["name"] != intent]
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


def _make_main(message: Message, intent: str) -> None:
    """`intent` in place of the message's first reading, as confident: that reading was of the message as a whole,
    which asks for `intent` beside a question, so it is no rival any more."""
    ranking = message.get(INTENT_RANKING_KEY)
    reading = {"name": intent, "confidence": ranking[0]["confidence"]}
    ranking = [reading] + [r for r in ranking[1:] if r["name"] != intent]
    message.set(INTENT, reading, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


def _in_english(example: Message) -> bool:
    """A training example, unless its intent's metadata says another language (`metadata: {language: es}`)."""
    language = ((example.get(METADATA) or {}).get("intent") or {}).get("language", "en")
    return bool(example.get(TEXT)) and language == "en"


def _counts(weights: Dict[str, np.ndarray]) -> Counter:
    """The training vocabulary stored with the weights (none in a model trained before the speller: no corrections)."""
    if "words" not in weights:
        return Counter()
    return Counter(dict(zip(weights["words"].tolist(), weights["word_counts"].tolist(), strict=True)))


def _other_words(weights: Dict[str, np.ndarray]) -> List[str]:
    """The other languages' training words stored with the weights (none in a model trained before them)."""
    return weights["other_words"].tolist() if "other_words" in weights else []
