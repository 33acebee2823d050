"""Finding an event's class by its type name from a table (bot/nlp/event_types.py) gives Rasa's answer."""

from __future__ import annotations

import gc

import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import AlwaysEqualEventMixin, Event, SlotSet, UserUttered

import bot.nlp.rasa_components  # noqa: F401  (installs the patches, as loading the model does)
from bot.nlp import event_types


def test_the_table_is_installed():
    assert Event.resolve_by_type is event_types.resolve_by_type


def test_every_event_type_name_resolves_to_rasas_class():
    names = {cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)}
    assert {"user", "slot", "action", "bot", "session_started"} <= names
    for name in names:
        assert Event.resolve_by_type(name) is event_types._ORIGINAL_RESOLVE(name), name


def test_an_unknown_or_malformed_name_is_rasas_to_answer():
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type(["user"], default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")


def test_events_read_back_as_before():
    events = [UserUttered("hi", {"name": "greet", "confidence": 1.0}), SlotSet("patient_language", "es")]
    assert [Event.from_parameters(event.as_dict()) for event in events] == events


def test_a_class_defined_later_counts_as_it_does_in_rasa():
    """Defining a subclass drops the table: a new name is found, and a class that Rasa's order puts before the
    current owner of a name wins, as it does in Rasa."""
    Event.resolve_by_type("form")  # the table is built

    class LateEvent(SlotSet):
        type_name = "late_event_for_this_test"

    class LateForm(AlwaysEqualEventMixin):
        type_name = "form"

        def as_story_string(self) -> None:
            return None

    try:
        assert Event.resolve_by_type("late_event_for_this_test") is LateEvent
        assert Event.resolve_by_type("form") is event_types._ORIGINAL_RESOLVE("form")
    finally:
        del LateEvent, LateForm
        gc.collect()  # other tests list Event's subclasses
        event_types._classes = {}
