"""Conversation ids are namespaced per channel, so a caller on one channel can never name a conversation of another.

    SMS        sms:+15125550134          WhatsApp   whatsapp:+15125550134 (Twilio's own address)
    Messenger  messenger:<page-scoped id> Telegram   telegram:<chat id>
    Slack      slack:<user or channel>   REST       rest:<the caller's id>
    Widget     <16-64 random characters of A-Za-z0-9_-, no colon> (bot/channels/socketio.py)

Inbound, each channel makes its id with `conversation_id`; outbound, `address_of` turns the id back into the
address the channel's API wants. The REST channel prefixes whatever id the caller sends, so "sms:+1..." posted to
REST is the conversation "rest:sms:+1...", not the patient's text thread.
"""

from __future__ import annotations

SMS = "sms"
WHATSAPP = "whatsapp"
MESSENGER = "messenger"
TELEGRAM = "telegram"
SLACK = "slack"
REST = "rest"


def conversation_id(namespace: str, address: str) -> str:
    return f"{namespace}:{address}"


def address_of(namespace: str, conversation: str) -> str:
    """The channel address in a conversation id of that namespace (ids from before namespacing pass unchanged)."""
    prefix = f"{namespace}:"
    return conversation[len(prefix):] if conversation.startswith(prefix) else conversation


def twilio_conversation_id(sender: str) -> str:
    """Twilio's `From`: "whatsapp:+1..." is already namespaced; a bare number is an SMS thread."""
    return sender if sender.startswith(f"{WHATSAPP}:") else conversation_id(SMS, sender)


def twilio_address(conversation: str) -> str:
    return address_of(SMS, conversation)
