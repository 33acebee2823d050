"""Near-duplicates between evaluation messages and training examples, the measure of ../shared/tools/nlu_overlap.py.

A pair is near when the two messages share at least 60% of their word sets (Jaccard) or their character 3-gram
profiles have a cosine of at least 0.8. Both measures are symmetric, so one pass over the pairs answers both
directions: no evaluation message near a training example, and no training example near an evaluation message.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import numpy as np
import yaml
from scipy.sparse import csr_matrix
from sklearn.preprocessing import normalize

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


def near_duplicates(evaluation: List[str], training_paths: Iterable[Path]) -> List[Tuple[str, str]]:
    """(evaluation message, training example) pairs that are near-duplicates."""
    return near_pairs(evaluation, training_examples(training_paths))


def near_pairs(messages: List[str], others: List[str]) -> List[Tuple[str, str]]:
    """(message, other) pairs that are near-duplicates: word Jaccard or character 3-gram cosine at the thresholds.
    Pairs that share no word are never near. Computed as sparse matrix products, a block of messages at a time."""
    if not messages or not others:
        return []
    words = _binary(_vectorised([_words(t) for t in messages + others]))
    grams = normalize(_vectorised([_grams(t) for t in messages + others]))
    mine, theirs = slice(0, len(messages)), slice(len(messages), None)
    their_sizes = np.asarray(words[theirs].sum(axis=1)).ravel()
    pairs = []
    for start in range(0, len(messages), _BLOCK):
        block = slice(start, min(start + _BLOCK, len(messages)))
        shared = (words[mine][block] @ words[theirs].T).toarray()
        sizes = np.asarray(words[mine][block].sum(axis=1)).ravel()
        union = sizes[:, None] + their_sizes[None, :] - shared
        jaccard = np.divide(shared, union, out=np.zeros_like(shared, dtype=float), where=union > 0)
        cosine = (grams[mine][block] @ grams[theirs].T).toarray()
        near = (shared > 0) & ((jaccard >= WORDS_THRESHOLD) | (cosine >= CHARS_THRESHOLD - _ROUNDING))
        pairs += [(messages[start + i], others[j]) for i, j in zip(*np.nonzero(near), strict=True)]
    return pairs


_BLOCK = 500  # messages per block: a dense block of 500 x 10,000 training examples is 40 MB
_ROUNDING = 1e-9  # a cosine of exactly 0.8 computed over normalised rows may land a hair below it


def _vectorised(rows: List[Iterable[str]]) -> csr_matrix:
    vocabulary: Dict[str, int] = {}
    data, columns, pointers = [], [], [0]
    for row in rows:
        counts = row if isinstance(row, Counter) else Counter(row)
        for key, count in counts.items():
            columns.append(vocabulary.setdefault(key, len(vocabulary)))
            data.append(count)
        pointers.append(len(columns))
    return csr_matrix((np.array(data, dtype=float), columns, pointers), shape=(len(rows), max(len(vocabulary), 1)))


def _binary(matrix: csr_matrix) -> csr_matrix:
    matrix.data[:] = 1.0
    return matrix
