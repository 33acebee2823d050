"""The graph runner's remembered minimal schemas (bot/nlp/graph_plan.py) are the ones Rasa works out, and the walk
is made once per set of targets."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from rasa.engine.graph import GraphSchema

import bot.nlp.rasa_components  # noqa: F401  (installs the patches, as loading the model does)
from bot.nlp.graph_plan import RememberingSchema

MODEL = Path(__file__).resolve().parents[2] / "models" / "clinic.tar.gz"


def _metadata():
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` (make test does it first).")
    with tarfile.open(MODEL) as model:
        name = next(name for name in model.getnames() if name.lstrip("./") == "metadata.json")
        return json.load(model.extractfile(name))


def _schemas():
    metadata = _metadata()
    return {name: GraphSchema.from_dict(metadata[name]) for name in ("predict_schema", "train_schema")}


def test_each_remembered_minimal_schema_is_rasas():
    schemas = _schemas()
    assert schemas, "the model holds its graph schemas"
    for name, schema in schemas.items():
        remembering = RememberingSchema(schema.nodes)
        targets_run = [[target] for target in schema.target_names] + [schema.target_names, None]
        if name == "predict_schema":  # what the Rasa server runs: the parse, then each prediction
            targets_run += [[_metadata()["nlu_target"]], [_metadata()["core_target"]]]
        for targets in targets_run:
            assert remembering.minimal_graph_schema(targets) == schema.minimal_graph_schema(targets), (name, targets)


def test_the_dependencies_are_walked_once_per_set_of_targets(monkeypatch):
    schema = _schemas()["predict_schema"]
    remembering = RememberingSchema(schema.nodes)
    walks = []
    original = GraphSchema._all_dependencies_schema
    monkeypatch.setattr(GraphSchema, "_all_dependencies_schema",
                        lambda self, targets: walks.append(targets) or original(self, targets))
    first = remembering.minimal_graph_schema(schema.target_names)
    walked = len(walks)
    assert remembering.minimal_graph_schema(schema.target_names) is first
    assert len(walks) == walked > 0
