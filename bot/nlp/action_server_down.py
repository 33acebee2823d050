"""When the action server cannot run an action (down, timing out, failing), the patient reads a sentence that says
so, with the clinic's phone number, instead of silence.

Rasa 3.6 logs the failure and carries on without the action's events (`MessageProcessor._run_action`), so "how much
is it?" or "book a consultation" got no reply at all. This wraps `RemoteAction.run`: a failure becomes the domain
response below, once per patient message, rendered by the Rasa server, and the assistant then waits for the patient
(so a booking does not start without the action server). The patient's message stays in the conversation and the
next one goes to the action server again, so the same conversation continues once it is back.
Installed when the NLU components load (bot/nlp/rasa_components.py).
"""

from __future__ import annotations

import logging
from typing import Any, List

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.core.channels.channel import OutputChannel
from rasa.core.nlg import NaturalLanguageGenerator
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, Event, FollowupAction, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

RESPONSE = "utter_action_server_down"
log = logging.getLogger(__name__)
_rasa_remote_run = RemoteAction.run


def told_since_last_message(tracker: DialogueStateTracker) -> bool:
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and event.metadata.get("utter_action") == RESPONSE:
            return True
    return False


async def _run(
    self: RemoteAction, output_channel: OutputChannel, nlg: NaturalLanguageGenerator,
    tracker: DialogueStateTracker, domain: Domain,
) -> List[Event]:
    try:
        return await _rasa_remote_run(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except RasaException as error:
        log.warning("custom action %s failed (%s); the patient was given the clinic's phone number",
                    self.name(), type(error).__name__)
        wait_for_patient = FollowupAction(ACTION_LISTEN_NAME)
        if told_since_last_message(tracker):
            return [wait_for_patient]
        message: Any = await nlg.generate(RESPONSE, tracker, output_channel.name())
        return [create_bot_utterance({**message, "utter_action": RESPONSE}), wait_for_patient]


def install() -> None:
    RemoteAction.run = _run
