"""Rasa finds an event's class by its type name from a table, instead of listing every Event subclass per event.

Rasa 3.6's `Event.resolve_by_type` walks all subclasses of `Event` (and asks `inspect.isabstract` of each) for every
event it reads back: every event of a conversation, on every turn that loads it from the tracker store. Under ten
conversations at once that was about 4% of the Rasa server's busy time (py-spy, docs/performance.md). Here the
answer for a type name is looked up in a table built the same way, in the same order (the first class with the
name wins, as in Rasa's loop). The table is dropped whenever a subclass of `Event` is defined, so a class imported
later counts as it would in Rasa. Anything the table has no class for (the old "topic" event, a default, an unknown
or malformed name) goes to Rasa's own method. Installed with the other patches (bot/nlp/rasa_components.py);
tests/nlp/test_event_types.py compares every name with Rasa's answer.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text, Type

import rasa.shared.utils.common
from rasa.shared.core.events import Event

_ORIGINAL_RESOLVE = Event.resolve_by_type
_classes: Dict[Text, Type[Event]] = {}


def _table() -> Dict[Text, Type[Event]]:
    table: Dict[Text, Type[Event]] = {}
    for cls in rasa.shared.utils.common.all_subclasses(Event):
        table.setdefault(cls.type_name, cls)
    return table


def resolve_by_type(type_name: Any, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    global _classes
    if not isinstance(type_name, str):
        return _ORIGINAL_RESOLVE(type_name, default)
    if not _classes:
        _classes = _table()
    return _classes.get(type_name) or _ORIGINAL_RESOLVE(type_name, default)


def _forget_the_table(cls: Type[Event], **kwargs: Any) -> None:
    global _classes
    _classes = {}
    super(Event, cls).__init_subclass__(**kwargs)


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)
    Event.__init_subclass__ = classmethod(_forget_the_table)
