"""Answers for channels that can only show text (SMS, WhatsApp through Twilio, overflow on Messenger).

Pure functions, no Rasa:

* `render_options` turns a message's buttons into numbered options ("Reply 1 for Botox, 2 for Fillers or 3 for ...")
  and returns the options, which the channel keeps per sender in an `OptionStore`;
* `match_option` translates the patient's next message ("2", "#2", "option 2" or an option's words, any case) into
  that button's payload;
* `split_text` splits a long answer into messages no longer than the channel's limit, at a paragraph, line or
  sentence end where it can and never inside a word (only a single word longer than the limit, such as a very long
  link, is cut).

The option store is small and pluggable: `MemoryOptionStore` (one process) or `RedisOptionStore` (several processes,
survives restarts); `option_store()` picks Redis when `REDIS_URL` is set. Keys are keyed pseudonyms of channel and
sender (`bot.privacy`), so no phone number is ever a Redis key, nor a hash anyone could reverse.
"""

from __future__ import annotations

import json
import os
import re
import time
from typing import Any, Dict, Iterable, List, Optional, Protocol, Sequence, Tuple

from bot.privacy import pseudonym

# Longest message each channel accepts (characters).
SMS_LIMIT = 1600  # Twilio's maximum Body; Twilio itself splits it into carrier segments and the phone rejoins them
WHATSAPP_LIMIT = 1600  # the same Twilio Messages API limit applies to WhatsApp
MESSENGER_LIMIT = 2000
TELEGRAM_LIMIT = 4096
SLACK_LIMIT = 3000  # a Block Kit section's text

OPTIONS_TTL_S = 24 * 3600  # numbered options older than a day no longer translate a reply

Option = Dict[str, Any]  # {"number": 2, "title": "Fillers", "payload": "/choose{...}"}

_SENTENCE_END = ".!?\u2026"
_CLOSERS = "\"')]\u201d\u2019"
_INLINE_MAX_OPTIONS = 4
_INLINE_MAX_TITLE = 30


# --- splitting -----------------------------------------------------------------------------------------------------


def split_text(text: str, limit: int) -> List[str]:
    """`text` as messages of at most `limit` characters, split at the best boundary inside each window."""
    if limit < 1:
        raise ValueError("limit must be positive")
    rest = (text or "").strip()
    chunks: List[str] = []
    while len(rest) > limit:
        cut = _cut_point(rest, limit)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if head:
            chunks.append(head)
    if rest:
        chunks.append(rest)
    return chunks


def _cut_point(text: str, limit: int) -> int:
    """Where to cut `text` so that the head has at most `limit` characters."""
    floor = max(1, limit // 2)  # a boundary this far in keeps messages reasonably full
    best: Dict[int, int] = {}  # rank -> rightmost whitespace position of that rank
    for match in re.finditer(r"\s+", text[: limit + 1]):
        position = match.start()
        if position == 0:
            continue
        run = re.match(r"\s+", text[position:]).group()  # the whole run, even where the window cut it
        before = text[:position].rstrip(_CLOSERS)
        if run.count("\n") >= 2:
            rank = 3
        elif "\n" in run or (before and before[-1] in _SENTENCE_END):
            rank = 2
        else:
            rank = 1
        best[rank] = position
    for rank in (3, 2, 1):
        if best.get(rank, 0) >= floor:
            return best[rank]
    if best:
        return max(best.values())
    return limit  # one word longer than the whole limit: nothing better than a hard cut


# --- numbered options ----------------------------------------------------------------------------------------------


def _title(button: Dict[str, Any]) -> str:
    return str(button.get("title") or button.get("payload") or "").strip()


def is_link(button: Dict[str, Any]) -> bool:
    return bool(button.get("url")) and not button.get("payload")


def options_from_buttons(buttons: Iterable[Dict[str, Any]], start: int = 1) -> List[Option]:
    """The selectable buttons (link buttons excluded) as options numbered from `start`."""
    options: List[Option] = []
    for button in buttons or []:
        if is_link(button) or not (button.get("payload") or button.get("title")):
            continue
        payload = button.get("payload") or button.get("title")
        options.append({"number": start + len(options), "title": _title(button), "payload": str(payload)})
    return options


def render_options(text: str, buttons: Sequence[Dict[str, Any]], start: int = 1) -> Tuple[str, List[Option]]:
    """The message text followed by its buttons as numbered options, and those options.

    A few short options go on one line ("Reply 1 for Botox, 2 for Fillers or 3 for Peels."); more or longer ones are
    listed one per line. Link buttons become "Title: https://..." lines.
    """
    options = options_from_buttons(buttons, start)
    lines: List[str] = []
    if options:
        titles = [option["title"].rstrip(".!?:;, ") for option in options]
        if len(options) <= _INLINE_MAX_OPTIONS and all(len(title) <= _INLINE_MAX_TITLE for title in titles):
            parts = [f"{option['number']} for {title}" for option, title in zip(options, titles, strict=True)]
            joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
            lines.append(f"Reply {joined}.")
        else:
            lines.extend(f"{option['number']}. {title}" for option, title in zip(options, titles, strict=True))
            lines.append("Reply with a number.")
    lines.extend(f"{_title(button)}: {button['url']}" for button in buttons or [] if is_link(button))
    body = (text or "").strip()
    rendered = "\n".join(lines)
    return (f"{body}\n\n{rendered}" if body and rendered else body or rendered), options


def render_elements(elements: Iterable[Dict[str, Any]]) -> str:
    """Carousel cards as plain text: one paragraph per card (title, subtitle, links)."""
    paragraphs = []
    for element in elements or []:
        lines = [str(element.get(key)).strip() for key in ("title", "subtitle") if element.get(key)]
        lines.extend(f"{_title(b)}: {b['url']}" for b in element.get("buttons") or [] if is_link(b))
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _normalize(text: str) -> str:
    text = re.sub(r"\s+", " ", (text or "").strip().lower())
    return text.strip(" .,!?;:#'\"()[]{}*-_\u2019\u201c\u201d")


_NUMBER_REPLY = re.compile(r"(?:(?:no|nr|number|option|choice)\.?\s*)?(\d{1,3})")


def match_option(reply: str, options: Optional[Sequence[Option]]) -> Optional[str]:
    """The payload of the option the reply picks ("2", "#2", "2.", "option 2" or the option's words), else None."""
    if not options:
        return None
    answer = _normalize(reply)
    if not answer:
        return None
    number = _NUMBER_REPLY.fullmatch(answer)
    if number:
        wanted = int(number.group(1))
        return next((o["payload"] for o in options if int(o["number"]) == wanted), None)
    return next((o["payload"] for o in options if _normalize(o["title"]) == answer), None)


# --- the option store ----------------------------------------------------------------------------------------------


def conversation_key(channel: str, sender: str) -> str:
    """A store key for one sender on one channel that does not reveal the sender (e.g. a phone number)."""
    return pseudonym(f"{channel}:{sender}")[:40]


class OptionStore(Protocol):
    """Small JSON values per key with an expiry: the last numbered options shown to each sender."""

    async def get(self, key: str) -> Any: ...

    async def set(self, key: str, value: Any, ttl: int = OPTIONS_TTL_S) -> None: ...

    async def pop(self, key: str) -> Any: ...


class MemoryOptionStore:
    """In this process only: fine for one Rasa process; options are lost on restart (the patient just types)."""

    def __init__(self, max_items: int = 10_000) -> None:
        self._items: Dict[str, Tuple[float, str]] = {}
        self.max_items = max_items

    async def get(self, key: str) -> Any:
        item = self._items.get(key)
        if item is None:
            return None
        expires, value = item
        if expires < time.monotonic():
            self._items.pop(key, None)
            return None
        return json.loads(value)

    async def set(self, key: str, value: Any, ttl: int = OPTIONS_TTL_S) -> None:
        if len(self._items) >= self.max_items and key not in self._items:
            now = time.monotonic()
            for stale in [k for k, (expires, _) in self._items.items() if expires < now]:
                del self._items[stale]
            while len(self._items) >= self.max_items:  # still full: forget the oldest entry
                del self._items[next(iter(self._items))]
        self._items[key] = (time.monotonic() + ttl, json.dumps(value))

    async def pop(self, key: str) -> Any:
        value = await self.get(key)
        self._items.pop(key, None)
        return value


class RedisOptionStore:
    """In Redis (`REDIS_URL`): shared by several processes and kept across restarts until the entry expires."""

    def __init__(self, url: str, prefix: str = "clinic:channel-options:") -> None:
        import redis.asyncio as aioredis

        self._redis = aioredis.from_url(url)
        self.prefix = prefix

    async def get(self, key: str) -> Any:
        raw = await self._redis.get(self.prefix + key)
        return None if raw is None else json.loads(raw)

    async def set(self, key: str, value: Any, ttl: int = OPTIONS_TTL_S) -> None:
        await self._redis.set(self.prefix + key, json.dumps(value), ex=ttl)

    async def pop(self, key: str) -> Any:
        async with self._redis.pipeline(transaction=True) as pipe:
            raw, _ = await pipe.get(self.prefix + key).delete(self.prefix + key).execute()
        return None if raw is None else json.loads(raw)

    async def close(self) -> None:
        await self._redis.close(close_connection_pool=True)


_default_store: Optional[OptionStore] = None


def option_store() -> OptionStore:
    """The process's option store: Redis when `REDIS_URL` is set, else in memory."""
    global _default_store
    if _default_store is None:
        url = os.environ.get("REDIS_URL")
        _default_store = RedisOptionStore(url) if url else MemoryOptionStore()
    return _default_store


class NumberedReplies:
    """One bot turn's numbered options for one sender: the first buttons of a turn replace the stored options, later
    buttons in the same turn continue the numbering, so "3" always means what the patient last saw as 3."""

    def __init__(self, store: OptionStore, key: str) -> None:
        self.store = store
        self.key = key
        self._options: List[Option] = []

    async def render(self, text: str, buttons: Sequence[Dict[str, Any]]) -> str:
        rendered, options = render_options(text, buttons, start=len(self._options) + 1)
        if options:
            self._options.extend(options)
            await self.store.set(self.key, self._options)
        return rendered

    @staticmethod
    async def resolve(store: OptionStore, key: str, reply: str) -> Optional[str]:
        """The payload the patient's reply picks from the options they were last shown (used up either way)."""
        options = await store.pop(key)
        return match_option(reply, options)
