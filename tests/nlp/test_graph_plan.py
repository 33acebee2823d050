"""The graph runner's remembered minimal schemas (bot/nlp/graph_plan.py) are the ones Rasa works out, and the walk
is made once per set of targets."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage

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


def _targets_run(name, schema):
    """Each target alone, all of them, none (all), and what the Rasa server runs: the parse, then each prediction."""
    targets = [[target] for target in schema.target_names] + [schema.target_names, None]
    if name == "predict_schema":
        targets += [[_metadata()["nlu_target"]], [_metadata()["core_target"]]]
    return targets


def test_each_remembered_minimal_schema_is_rasas():
    for name, schema in _schemas().items():
        remembering = RememberingSchema(schema.nodes)
        for targets in _targets_run(name, schema):
            for _ in range(2):  # worked out, then remembered
                assert remembering.minimal_graph_schema(targets).nodes == schema.minimal_graph_schema(targets).nodes


def test_a_runner_remembers(tmp_path, monkeypatch):
    schema = _schemas()["predict_schema"]
    monkeypatch.setattr(DaskGraphRunner, "_instantiate_nodes", lambda *args: {})  # no components to load here
    runner = DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "test-model"))
    assert isinstance(runner._graph_schema, RememberingSchema)
    assert runner._graph_schema.nodes == schema.nodes


def test_the_dependencies_are_walked_once_per_set_of_targets(monkeypatch):
    schema = _schemas()["predict_schema"]
    remembering = RememberingSchema(schema.nodes)
    walks = []
    original = GraphSchema._all_dependencies_schema
    monkeypatch.setattr(GraphSchema, "_all_dependencies_schema",
                        lambda self, targets: walks.append(targets) or original(self, targets))
    parse = [_metadata()["nlu_target"]]
    first = remembering.minimal_graph_schema(parse)
    walked = len(walks)
    assert first.nodes and walked > 0
    assert remembering.minimal_graph_schema(parse) is first
    assert len(walks) == walked
