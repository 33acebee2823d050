"""Rasa finds an event's class by its type name from a table, instead of listing every Event subclass per event.

Rasa 3.6's `Event.resolve_by_type` walks all subclasses of `Event` (and asks `inspect.isabstract` of each) for every
event it reads back: every event of a conversation, on every turn that loads it from the tracker store. Under ten
conversations at once that was about 4% of the Rasa server's busy time (py-spy, docs/performance.md). Here the
answer for a type name is looked up in a table built the same way, in the same order (the first class with the
name wins, as in Rasa's loop), and rebuilt when a name is missing, since a subclass may be imported later. A name no
class has goes to Rasa's own method (the old "topic" event, a default, or its error). Installed with the other
patches (bot/nlp/rasa_components.py); tests/nlp/test_event_types.py compares every name with Rasa's answer.
"""

from __future__ import annotations

from typing import Dict, Optional, Text, Type

import rasa.shared.utils.common
from rasa.shared.core.events import Event

_ORIGINAL_RESOLVE = Event.resolve_by_type
_classes: Dict[Text, Type[Event]] = {}


def _table() -> Dict[Text, Type[Event]]:
    table: Dict[Text, Type[Event]] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    return table


def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    global _classes
    if type_name not in _classes:
        _classes = _table()
    return _classes.get(type_name) or _ORIGINAL_RESOLVE(type_name, default)


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)
