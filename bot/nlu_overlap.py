"""Near-duplicates between evaluation messages and training examples, the measure of ../shared/tools/nlu_overlap.py.

A pair is near when the two messages share at least 60% of their word sets (Jaccard) or their character 3-gram
profiles have a cosine of at least 0.8. Both measures are symmetric, so one pass over the pairs answers both
directions: no evaluation message near a training example, and no training example near an evaluation message.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, List, Optional, Tuple

import yaml

WORDS_THRESHOLD = 0.6
CHARS_THRESHOLD = 0.8
_ENTITY = re.compile(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}")


def training_examples_by_intent(
    paths: Iterable[Path], language: Optional[str] = None
) -> List[Tuple[Optional[str], str]]:
    """(intent, text) of every NLU example in the files or folders, entity markup read as its text; the intent is
    None for lookup tables and synonyms. With `language`, only the blocks in it (`metadata: {language: es}`; a block
    without one is English)."""
    found = []
    for path in paths:
        files = sorted(path.rglob("*.yml")) if path.is_dir() else [path]
        for file in files:
            for block in (yaml.safe_load(file.read_text(encoding="utf-8")) or {}).get("nlu") or []:
                if language and (block.get("metadata") or {}).get("language", "en") != language:
                    continue
                for line in str(block.get("examples") or "").splitlines():
                    if line.strip().startswith("- "):
                        text = _ENTITY.sub(lambda m: m.group(1) or m.group(2), line.strip()[2:]).strip()
                        found.append((block.get("intent"), text))
    return found


def training_examples(paths: Iterable[Path]) -> List[str]:
    return [text for _, text in training_examples_by_intent(paths)]


def _words(text: str) -> set:
    return set(re.findall(r"[a-z0-9']+", text.lower()))


def _grams(text: str) -> Counter:
    padded = " " + re.sub(r"\s+", " ", text.lower()) + " "
    return Counter(padded[i:i + 3] for i in range(len(padded) - 2))


def _cosine(a: Counter, b: Counter) -> float:
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def near_duplicates(evaluation: List[str], training_paths: Iterable[Path]) -> List[Tuple[str, str]]:
    """(evaluation message, training example) pairs that are near-duplicates."""
    return near_pairs(evaluation, training_examples(training_paths))


def near_pairs(messages: List[str], others: List[str]) -> List[Tuple[str, str]]:
    """(message, other) pairs that are near-duplicates: word Jaccard or character 3-gram cosine at the thresholds."""
    indexed = [(t, _words(t), _grams(t)) for t in others]
    index = defaultdict(list)
    for n, (_, words, _) in enumerate(indexed):
        for word in words:
            index[word].append(n)
    pairs = []
    for text in messages:
        words, grams = _words(text), _grams(text)
        for n in {n for w in words for n in index.get(w, ())}:
            other, other_words, other_grams = indexed[n]
            jaccard = len(words & other_words) / len(words | other_words)
            if jaccard >= WORDS_THRESHOLD or _cosine(grams, other_grams) >= CHARS_THRESHOLD:
                pairs.append((text, other))
    return pairs
