"""The sentence encoder on ONNX Runtime (bot/nlp/sentence_encoder.py) gives the embeddings the TensorFlow model it was
converted from gives, and behaves as sentence embeddings should."""

from __future__ import annotations

import numpy as np
import pytest

from bot.nlp import sentence_encoder

TEXTS = [
    "how long does botox last for a gummy smile?",
    "hola, quisiera saber cuánto cuesta el botox para la frente",
    "cant swallow since my botox tuesday, is that normal??",
    "👍",
]


@pytest.fixture(scope="module")
def tensorflow_vectors() -> np.ndarray:
    """The same texts through the TensorFlow model, as the server encoded them before the conversion."""
    import tensorflow as tf
    from transformers import AutoTokenizer, TFBertModel

    tokenizer = AutoTokenizer.from_pretrained(sentence_encoder.MODEL_DIR, local_files_only=True)
    model = TFBertModel.from_pretrained(sentence_encoder.MODEL_DIR, local_files_only=True)
    batch = tokenizer(TEXTS, padding=True, truncation=True, max_length=sentence_encoder.MAX_TOKENS, return_tensors="np")
    vectors = model(**{name: tf.constant(batch[name]) for name in sentence_encoder.INPUTS}).last_hidden_state.numpy()
    mask = batch["attention_mask"][..., None]
    pooled = (vectors * mask).sum(axis=1) / mask.sum(axis=1)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def test_the_converted_model_gives_tensorflows_embeddings(tensorflow_vectors):
    vectors = sentence_encoder.encode(TEXTS)
    assert np.abs(vectors - tensorflow_vectors).max() < 1e-4
    assert (vectors * tensorflow_vectors).sum(axis=1).min() > 0.9999


def test_one_at_a_time_is_the_same_as_in_a_batch():
    batch = sentence_encoder.encode(TEXTS)
    alone = np.stack([sentence_encoder.encode([text])[0] for text in TEXTS])
    assert batch.shape == (len(TEXTS), sentence_encoder.DIMENSIONS)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1.0, atol=1e-5)
    assert np.abs(batch - alone).max() < 1e-4


def test_a_paraphrase_is_closer_than_another_topic():
    question, paraphrase, other = sentence_encoder.encode(
        ["how long does botox last?", "how many months do the results of botox stay?", "where can I park?"])
    assert question @ paraphrase > question @ other + 0.2
