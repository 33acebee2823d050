"""Finding an event's class by its type name from a table (bot/nlp/event_types.py) gives Rasa's answer."""

from __future__ import annotations

import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import Event, SlotSet, UserUttered

import bot.nlp.rasa_components  # noqa: F401  (installs the patches, as loading the model does)
from bot.nlp import event_types


def test_every_event_type_name_resolves_to_rasas_class():
    names = {cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)}
    assert {"user", "slot", "action", "bot", "session_started"} <= names
    for name in names:
        assert Event.resolve_by_type(name) is event_types._ORIGINAL_RESOLVE(name), name


def test_an_unknown_name_is_rasas_to_answer():
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")


def test_events_read_back_as_before():
    events = [UserUttered("hi", {"name": "greet", "confidence": 1.0}), SlotSet("patient_language", "es")]
    assert [Event.from_parameters(event.as_dict()) for event in events] == events


def test_a_class_imported_later_is_found(monkeypatch):
    monkeypatch.setattr(event_types, "_classes", {})
    Event.resolve_by_type("user")

    class LateEvent(SlotSet):
        type_name = "late_event_for_this_test"

    assert Event.resolve_by_type("late_event_for_this_test") is LateEvent
