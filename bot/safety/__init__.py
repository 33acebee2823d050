"""Safety comes first: urgent symptoms, contraindications and dose requests in a patient's message, and what to do.

Plain Python and spaCy (medspaCy), no Rasa: `analyse(text)` returns a SafetyReport whose `decision` the assistant
acts on before any intent is considered (bot/nlp/rasa_components.SafetyGuard). docs/safety.md has the table.
"""

from bot.safety.analyser import analyse, warm_up
from bot.safety.findings import Assertion, Decision, Finding, SafetyReport

__all__ = ["Assertion", "Decision", "Finding", "SafetyReport", "analyse", "warm_up"]
