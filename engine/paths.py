"""Read a case-file field by its path (``motion.hearing_on``), three-valued."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def resolve_parts(case: BaseModel, parts: tuple[str, ...]) -> Any:
    """The value at a path split in advance; ``None`` when unknown.

    A document's ``filed`` flag is implied by its ``filed_on`` date (case-format: "a date
    implies it was filed").
    """
    node: Any = case
    for part in parts:
        if node is None:
            return None
        node = getattr(node, part, None)
    if node is None and parts[-1] == "filed":
        parent = resolve_parts(case, parts[:-1])
        if parent is not None and getattr(parent, "filed_on", None) is not None:
            return True
    return node


def resolve(case: BaseModel, path: str) -> Any:
    """The value at a dotted ``path``; ``None`` when unknown."""
    return resolve_parts(case, tuple(path.split(".")))
