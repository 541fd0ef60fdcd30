"""rulepath: court procedure as answer-set programs, with cited, explainable decisions.

    >>> import rulepath
    >>> decision = rulepath.decide("examples/martinez-v-smith.yaml")
    >>> decision.route, decision.ready_for_hearing
    ('joint_statement', False)

A case is the path of a case file, a mapping holding the case as data, or a loaded
:class:`rulepath.engine.casefile.Case`; :func:`decide`, :func:`explain`, :func:`graph` and
:func:`reasoning` take any of them (docs/python-api.md).

Imports are lazy so that ``rulepath --help`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine.api import CaseInputError as CaseInputError
    from .engine.api import decide as decide
    from .engine.api import explain as explain
    from .engine.api import graph as graph
    from .engine.batch import batch as batch
    from .engine.casefile import Case as Case
    from .engine.check import check as check
    from .engine.check_order import OrderCheck as OrderCheck
    from .engine.check_order import check_order as check_order
    from .engine.decision import Decision as Decision
    from .engine.diff import diff as diff
    from .engine.errors import CaseError as CaseError
    from .engine.errors import RulepathError as RulepathError
    from .engine.reasoning import Reasoning as Reasoning
    from .engine.reasoning import reasoning as reasoning

    __version__: str

__all__ = [
    "Case",
    "CaseError",
    "CaseInputError",
    "Decision",
    "OrderCheck",
    "Reasoning",
    "RulepathError",
    "__version__",
    "batch",
    "check",
    "check_order",
    "decide",
    "diff",
    "explain",
    "graph",
    "reasoning",
]

_FROM = {
    "decide": "api",
    "explain": "api",
    "graph": "api",
    "diff": "diff",
    "batch": "batch",
    "CaseInputError": "api",
    "check": "check",
    "check_order": "check_order",
    "OrderCheck": "check_order",
    "Case": "casefile",
    "Decision": "decision",
    "CaseError": "errors",
    "RulepathError": "errors",
    "reasoning": "reasoning",
    "Reasoning": "reasoning",
}


def _version() -> str:
    """The installed distribution's version; from a source tree that is not installed, the
    version pyproject.toml declares."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rulepath")
    except PackageNotFoundError:
        import tomllib
        from pathlib import Path

        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            with pyproject.open("rb") as handle:
                return str(tomllib.load(handle)["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return _version()
    module = _FROM.get(name)
    if module is None:
        raise AttributeError(f"module 'rulepath' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".engine.{module}", __name__), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
