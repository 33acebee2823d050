"""Action tests: rasa-sdk actions run with real Tracker objects and a CollectingDispatcher against a fresh SQLite
database (created and migrated by the actions themselves, as the action server does on first use).

`FormDriver` plays the part of Rasa's FormAction for a form validation action: it sends each message the way Rasa
does (the user event, then `requested_slot` and the form's ActionExecuted), applies the returned events to its
slots and works out the next requested slot, so a test can talk to a form turn by turn without a trained model.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional
from zoneinfo import ZoneInfo

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]
CHICAGO = ZoneInfo("America/Chicago")


def load_domain() -> Dict[str, Any]:
    """domain.yml, plus data/booking_domain_snippet.yml while the snippet is not merged yet."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    snippet = ROOT / "data" / "booking_domain_snippet.yml"
    if "booking_form" not in (domain.get("forms") or {}) and snippet.exists():
        for key, value in yaml.safe_load(snippet.read_text(encoding="utf-8")).items():
            if key == "version":
                continue
            if isinstance(value, list):
                domain.setdefault(key, [])
                domain[key] += [item for item in value if item not in domain[key]]
            else:
                domain.setdefault(key, {}).update(value)
    return domain


DOMAIN = load_domain()


def read(message: Dict[str, Any], slots: Optional[Dict[str, Any]] = None) -> str:
    """The text of a message an action uttered: its own text, or its domain response's default variation filled in
    with the conversation's slots, the message's values and the clinic's facts, as the Rasa server fills it ("" when
    it needs a value it does not have)."""
    from bot.responses import render

    if message.get("text") or not message.get("response"):
        return message.get("text") or ""
    values = {k: v for k, v in (slots or {}).items() if v is not None}
    values.update({k: v for k, v in message.items()
                   if k not in ("response", "buttons", "custom", "text") and v is not None})
    try:
        return render(message["response"], None, values, language=values.get("patient_language") or "en").text
    except KeyError:
        return ""


def default_buttons(response: Optional[str]) -> List[Dict[str, Any]]:
    variations = DOMAIN["responses"].get(response or "") or [{}]
    return variations[-1].get("buttons") or []


def run(coroutine):
    return asyncio.run(coroutine)


def user_event(text: str, intent: str, entities: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    entity_list = [{"entity": name, "value": value} for name, value in (entities or {}).items()]
    return {
        "event": "user",
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": 1.0}, "entities": entity_list, "text": text},
        "input_channel": "rest",
    }


def payload(text: str) -> tuple:
    """'/choose_slot{"slot_key": "..."}' -> (intent, entities), as Rasa's payload handler reads it."""
    match = re.match(r"^/(\w+)(\{.*\})?$", text)
    return match.group(1), json.loads(match.group(2) or "{}")


def make_tracker(sender: str, slots: Dict[str, Any], events: List[Dict[str, Any]],
                 active_loop: Optional[str]) -> Tracker:
    latest = next((e for e in reversed(events) if e["event"] == "user"), None)
    latest_message = dict(latest["parse_data"], text=latest["text"]) if latest else {}
    return Tracker(sender, dict(slots), latest_message, list(events), False, None,
                   {"name": active_loop} if active_loop else {}, None)


class Conversation:
    """Slots and events of one conversation, and the messages the actions sent."""

    def __init__(self, sender: str = "test-sender"):
        self.sender = sender
        self.slots: Dict[str, Any] = {name: None for name in DOMAIN["slots"]}
        self.events: List[Dict[str, Any]] = []
        self.active_loop: Optional[str] = None
        self.messages: List[Dict[str, Any]] = []
        self.rejected = False

    def apply(self, events: Iterable[Dict[str, Any]]) -> None:
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
            elif event.get("event") == "active_loop":
                self.active_loop = event.get("name")
            self.events.append(event)

    @property
    def texts(self) -> str:
        """What the patient reads: a domain response rendered as the Rasa server would (its default variation)."""
        return "\n".join(read(m, self.slots) for m in self.messages)

    def run_action(self, action: Any, extra_events: Iterable[Dict[str, Any]] = ()) -> List[Dict[str, Any]]:
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(self.sender, self.slots, self.events + list(extra_events), self.active_loop)
        events = run(action.run(dispatcher, tracker, DOMAIN))
        self.messages = dispatcher.messages
        self.apply(events)
        return events


class FormDriver(Conversation):
    """Talks to one form through its validation action, asking the next slot the way Rasa's FormAction would: with
    the slot's ask action or its utter_ask response, again after an answer the validation could not use."""

    def __init__(self, validation: Any, form: str, ask_actions: Optional[Dict[str, Any]] = None,
                 sender: str = "test-sender"):
        super().__init__(sender)
        self.validation = validation
        self.form = form
        self.ask_actions = ask_actions or {}
        self.asked: Optional[str] = None

    def required(self) -> List[str]:
        return DOMAIN["forms"][self.form]["required_slots"]

    def start(self, text: str, intent: str, entities: Optional[Dict[str, str]] = None,
              before: Iterable[Any] = ()) -> str:
        """The message that starts the form, the actions run before the form, then the form's activation."""
        self.events.append(user_event(text, intent, entities))
        for action in before:
            self.run_action(action)
        self.active_loop = self.form
        self.events.append({"event": "active_loop", "name": self.form})
        return self._validate(requested=None, intro=self.texts_of(self.messages))

    def say(self, text: str, intent: str = "inform", entities: Optional[Dict[str, str]] = None) -> str:
        if text.startswith("/"):
            intent, entities = payload(text)
        self.events.append(user_event(text, intent, entities))
        return self._validate(requested=self.slots.get("requested_slot"))

    def _validate(self, requested: Optional[str], intro: Iterable[str] = ()) -> str:
        dispatcher = CollectingDispatcher()
        self.slots["requested_slot"] = requested
        extra = [{"event": "slot", "name": "requested_slot", "value": requested},
                 {"event": "action", "name": self.form}]
        tracker = make_tracker(self.sender, self.slots, self.events + extra, self.active_loop)
        events = run(self.validation.run(dispatcher, tracker, DOMAIN))
        slot_events = [e for e in events if e.get("event") == "slot" and e["name"] != "requested_slot"]
        self.rejected = requested is not None and not slot_events
        self.apply(events)
        self.messages = list(dispatcher.messages)
        if self.rejected:
            return "\n".join([*intro, *self.texts_of(self.messages)])
        next_slot = next((e["value"] for e in reversed(events)
                          if e.get("event") == "slot" and e["name"] == "requested_slot"), "unset")
        if next_slot == "unset":
            next_slot = next((slot for slot in self.required() if self.slots.get(slot) is None), None)
        self.slots["requested_slot"] = next_slot
        self.asked = next_slot
        if next_slot is None:
            self.active_loop = None
        elif next_slot in self.ask_actions:
            ask = CollectingDispatcher()
            run(self.ask_actions[next_slot].run(ask, make_tracker(self.sender, self.slots, self.events,
                                                                  self.active_loop), DOMAIN))
            self.messages += ask.messages
        else:
            asks = [name for name in (f"utter_ask_{self.form}_{next_slot}", f"utter_ask_{next_slot}")
                    if name in DOMAIN["responses"]]
            self.messages += [{"response": name} for name in asks[:1]]
        return "\n".join([*intro, *self.texts_of(self.messages)])

    def texts_of(self, messages: List[Dict[str, Any]]) -> List[str]:
        return [read(m, self.slots) for m in messages]

    def buttons(self) -> List[Dict[str, Any]]:
        """The buttons of the latest messages: their own, or their domain response's."""
        return [button for message in self.messages
                for button in message.get("buttons") or default_buttons(message.get("response"))]
