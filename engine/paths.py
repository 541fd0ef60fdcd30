"""Read a case-file field by its path (``section.field``), three-valued."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def resolve_parts(case: BaseModel, parts: tuple[str, ...]) -> Any:
    """The value at a path split in advance; ``None`` when unknown. (A field another implies,
    such as a filing implied by its date, is filled in by the case model itself.)"""
    node: Any = case
    for part in parts:
        if node is None:
            return None
        node = getattr(node, part, None)
    return node


def resolve(case: BaseModel, path: str) -> Any:
    """The value at a dotted ``path``; ``None`` when unknown."""
    return resolve_parts(case, tuple(path.split(".")))
