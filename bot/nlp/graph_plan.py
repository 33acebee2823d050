"""Rasa's graph runner works out which nodes a run needs once per set of targets, not on every run.

Rasa 3.6's `DaskGraphRunner.run` calls `GraphSchema.minimal_graph_schema` on every parse and every prediction: a
recursive walk of each target's dependencies that visits a shared dependency once per path to it. With this
assistant's pipeline, under ten conversations at once, that walk was about 7% of the Rasa server's busy time (py-spy,
docs/performance.md). A runner's schema never changes once it has instantiated its nodes from it, so the runner here
keeps the minimal schema of each set of targets it has run. Installed with the other patches
(bot/nlp/rasa_components.py); tests/nlp/test_graph_plan.py checks that the answer is Rasa's.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner

_ORIGINAL_INIT = DaskGraphRunner.__init__


class RememberingSchema(GraphSchema):
    """A runner's schema: each set of targets' minimal schema is worked out once. Only `DaskGraphRunner.run` reads
    it; it shares its nodes with the model's schema, which nothing changes once the runner has loaded them."""

    def minimal_graph_schema(self, targets: Optional[List[Text]] = None) -> GraphSchema:
        remembered: Dict[Optional[Tuple[Text, ...]], GraphSchema] = self.__dict__.setdefault("_minimal", {})
        key = tuple(targets) if targets else None
        if key not in remembered:
            remembered[key] = super().minimal_graph_schema(targets)
        return remembered[key]


def _init(self: DaskGraphRunner, graph_schema: GraphSchema, *args: Any, **kwargs: Any) -> None:
    _ORIGINAL_INIT(self, graph_schema, *args, **kwargs)
    self._graph_schema = RememberingSchema(graph_schema.nodes)


def install() -> None:
    DaskGraphRunner.__init__ = _init
