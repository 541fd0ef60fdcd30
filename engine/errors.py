"""Errors about the user's input, which the CLI reports as one line (exit status 2)."""

from __future__ import annotations

# The three escapes everyone reads; any other unprintable character becomes \xNN, \uNNNN or
# \UNNNNNNNN (as in a Python literal), so a message shows exactly what the input held.
_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` with every unprintable character escaped: line breaks of any kind (``\\n``,
    U+2028, U+0085), other control and format characters (ESC, bidi overrides), lone
    surrogates. The result is one line that any terminal or encoder takes as it is.

    Backslashes are left alone (a Windows path stays readable), so applying it twice changes
    nothing more.
    """
    if text.isprintable():  # the common case, checked in C
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


class RulepathError(Exception):
    """Base for input errors that the CLI reports as one line, exit 2: ``field`` names what is
    at fault (a case-file path, a parameter of the call such as ``why`` or ``focus``, or
    ``<case>`` for the case as a whole), ``reason`` says what is wrong. The engine never
    words a command-line flag; the CLI maps a parameter to its flag."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")

    def __str__(self) -> str:
        # Messages quote user input (atoms, names, paths): whatever it holds, one line.
        return printable(super().__str__())


class CaseError(RulepathError):
    """A case file that cannot be read or does not follow `rulepath/case-1`.

    `field` is the dotted path of the offending field (`section.field`,
    `section.list_field[1]`), or `<document>` when the file as a whole is at fault.
    The attributes keep the text as given; the message escapes what is unprintable (a field
    name may hold a newline), so that it is always one line.
    """

    def __init__(self, field: str, problem: str, source: str | None = None) -> None:
        super().__init__(field, problem)
        self.problem = problem
        self.source = source
        if source is not None:
            self.args = (printable(f"{source}: {field}: {problem}"),)


class PackError(RulepathError):
    """A rule pack that cannot be used: its manifest or case schema is faulty, or it is not
    found. ``where`` names the pack (and file); the message says what is wrong."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(where, problem)
        self.problem = problem
