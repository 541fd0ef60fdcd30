"""Errors about the user's input, which the CLI reports as one line (exit status 2)."""

from __future__ import annotations


class RulepathError(Exception):
    """Base for input errors that the CLI reports as one line, exit 2."""


class CaseError(RulepathError):
    """A case file that cannot be read or does not follow `rulepath/case-1`.

    `field` is the dotted path of the offending field (`motion.kind`,
    `conference.modes[1]`), or `<document>` when the file as a whole is at fault.
    """

    def __init__(self, field: str, problem: str, source: str | None = None) -> None:
        self.field = field
        self.problem = problem
        self.source = source
        prefix = f"{source}: " if source is not None else ""
        super().__init__(f"{prefix}{field}: {problem}")
