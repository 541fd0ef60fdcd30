"""rulepath: court procedure as answer-set programs, with cited, explainable decisions.

    >>> import rulepath
    >>> decision = rulepath.decide("examples/martinez-v-smith.yaml")
    >>> decision.route, decision.ready_for_hearing

Imports are lazy so that ``rulepath --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine.api import decide as decide
    from .engine.decision import Decision as Decision

__all__ = ["Decision", "decide"]


def __getattr__(name: str) -> Any:
    if name == "decide":
        from .engine.api import decide

        return decide
    if name == "Decision":
        from .engine.decision import Decision

        return Decision
    if name == "graph":
        from .engine.graph import graph

        return graph
    raise AttributeError(name)
