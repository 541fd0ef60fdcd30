"""``rulepath interview [CASE] [-o OUT]``: ask only the questions whose answer can still change
an output of interest, the most decisive first, and write the completed case file; and
``rulepath decide --ask`` (:func:`ask`), which adds to a decision the smallest sets of facts
that would determine each conclusion it leaves open.

The questions, their wording and what is of interest come from the pack (its case fields'
descriptions, its ``[interview] outputs``) through :mod:`rulepath.engine.questions`. On a
terminal the prompts are questionary's; over a pipe (stdin not a terminal, or ``--plain``)
they are plain lines read from stdin, with no escape codes.
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

import click

from rulepath.cli.options import case_options, load, with_options
from rulepath.cli.status import WRONG, reports_input_errors, set_status

if TYPE_CHECKING:
    from rulepath.engine.decision import Decision
    from rulepath.engine.questions import Interview, Question
    from rulepath.engine.wording import Wording

# What a reply asks for besides an answer.
Kind = Literal["answer", "unknown", "explain", "back", "quit", "invalid"]
UNKNOWN_WORDS = ("", "unknown", "u", "?unknown")
EXPLAIN_WORDS = ("?", "help", "why")
BACK_WORDS = ("back", "b", "<")
QUIT_WORDS = ("quit", "q", "done", "stop")
YES_WORDS = ("yes", "y", "true")
NO_WORDS = ("no", "n", "false")
# The extra choices of a menu on a terminal (what plain prompts type as words).
MENU_UNKNOWN = "unknown (leave it unknown)"
MENU_EXPLAIN = "? what hangs on the answer"
MENU_BACK = "back (ask the previous question again)"
MENU_QUIT = "quit (stop and write what is known)"
HELP = ("Enter (or 'unknown') leaves a fact unknown; '?' says what hangs on the answer; "
        "'back' asks the previous question again; 'quit' stops and writes what is known.")


def ask(decision: Decision, amend: str | None = None) -> None:
    """``rulepath decide --ask``: give the decision its ``determining_sets`` (printed with it
    in every format; the JSON key ``determining_sets``)."""
    from rulepath.engine.questions import determining_sets

    decision.determining_sets = determining_sets(decision, amend=amend)


# --- replies ------------------------------------------------------------------------------


def form(q: Question) -> str:
    """How to answer a question, in a few words."""
    if q.type == "bool":
        return "yes / no"
    if q.type == "enum":
        numbered = ", ".join(f"{i}. {v}" for i, v in enumerate(q.values, 1))
        return f"one of: {numbered}"
    if q.type == "set":
        listed = ", ".join(q.values)
        more = " or others of that form" if q.pattern else ""
        return f"a comma-separated list of: {listed}{more}; 'none' for an empty list"
    if q.type == "date":
        return "a date, YYYY-MM-DD" + ("; 'none' if there is none" if q.nullable else "")
    return "a whole number" + ("; 'none' if there is none" if q.nullable else "")


def parse(reply: str, q: Question) -> tuple[Kind, Any]:
    """What a reply says: an answer (with its value; None is an explicit null), "unknown",
    "?", "back", "quit", or an invalid answer (with the reason)."""
    text = reply.strip()
    word = text.lower()
    if word in UNKNOWN_WORDS or text == MENU_UNKNOWN:
        return "unknown", None
    if word in EXPLAIN_WORDS or text == MENU_EXPLAIN:
        return "explain", None
    if word in BACK_WORDS or text == MENU_BACK:
        return "back", None
    if word in QUIT_WORDS or text == MENU_QUIT:
        return "quit", None
    if q.nullable and word == "none":
        return "answer", None
    if q.type == "bool":
        if word in YES_WORDS:
            return "answer", True
        if word in NO_WORDS:
            return "answer", False
        return "invalid", "answer yes, no or unknown"
    if q.type == "enum":
        if text in q.values:
            return "answer", text
        if word.isdigit() and 1 <= int(word) <= len(q.values):
            return "answer", q.values[int(word) - 1]
        return "invalid", f"{text!r} is not one of: {', '.join(q.values)}"
    if q.type == "set":
        if word in ("none", "[]"):
            return "answer", ()
        items = [x.strip() for x in text.strip("[]").replace(";", ",").split(",")]
        values = []
        for item in items:
            if not item:
                continue
            if item.isdigit() and 1 <= int(item) <= len(q.values) and not q.pattern:
                item = q.values[int(item) - 1]
            if not q.pattern and item not in q.values:
                return "invalid", f"{item!r} is not one of: {', '.join(q.values)}"
            values.append(item)
        return "answer", tuple(dict.fromkeys(values))
    if q.type == "date":
        try:
            if len(text) != 10:
                raise ValueError(text)
            return "answer", date.fromisoformat(text)
        except ValueError:
            return "invalid", f"{text!r} is not a date: write it YYYY-MM-DD"
    try:
        return "answer", int(text)
    except ValueError:
        return "invalid", f"{text!r} is not a whole number"


# --- prompts ---------------------------------------------------------------------------------


class Prompts:
    """Where the questions go and the replies come from: questionary on a terminal, plain
    lines otherwise. ``None`` from :meth:`reply` means the input ended (or was interrupted)."""

    def __init__(self, stream: TextIO, tty: bool) -> None:
        self.stream = stream
        self.tty = tty
        self.interrupted = False

    def say(self, text: str = "") -> None:
        from rulepath.engine.errors import printable

        lines = text.split("\n")
        click.echo("\n".join(printable(line) for line in lines), file=self.stream)

    def reply(self, q: Question, number: int) -> str | None:
        title = f"[{number}] {q.field}: {q.text}"
        if self.tty:
            return self._menu(q, title)
        self.say(title)
        self.say(f"    {form(q)}")
        self.stream.write(f"{q.field}> ")
        self.stream.flush()
        line = sys.stdin.readline()
        if not line:
            self.stream.write("\n")
            return None
        answer = line.rstrip("\r\n")
        self.stream.write(f"{answer}\n")  # stdin is not a terminal: show what was read
        return answer

    def _menu(self, q: Question, title: str) -> str | None:
        import questionary
        from prompt_toolkit.output import create_output

        output = create_output(stdout=self.stream)
        extras = [MENU_UNKNOWN, MENU_EXPLAIN, MENU_BACK, MENU_QUIT]
        try:
            if q.type in ("bool", "enum"):
                values = ["yes", "no"] if q.type == "bool" else list(q.values)
                answer = questionary.select(title, choices=[*values, *extras],
                                            output=output).unsafe_ask()
            else:
                answer = questionary.text(
                    title, instruction=f"({form(q)}; Enter: unknown; ?, back, quit)",
                    validate=lambda text: self._valid(text, q), output=output,
                ).unsafe_ask()
        except EOFError:  # Ctrl-D: the input ends, what is known is written
            return None
        except KeyboardInterrupt:  # Ctrl-C: nothing is written
            self.interrupted = True
            return None
        return answer if isinstance(answer, str) else None

    @staticmethod
    def _valid(text: str, q: Question) -> bool | str:
        kind, why = parse(text, q)
        return why if kind == "invalid" else True


# --- the interview ------------------------------------------------------------------------------


def _wording(session: Interview) -> Wording:
    from rulepath.engine.api import program_for_case
    from rulepath.engine.wording import wording_of

    return wording_of(program_for_case(session.case))


def _words(w: Wording, conclusion: str) -> str:
    from rulepath.engine.render import conclusion_words

    return conclusion_words(w, conclusion).rstrip(".")


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return ", ".join(value) if value else "none (an empty list)"
    return str(value)


def explain(session: Interview, q: Question, prompts: Prompts) -> None:
    """``?``: the conclusions that hang on the answer (the undetermined ones whose
    ``depends_on`` include the field, and the outputs of interest some answer changes),
    numbered, and which of them each answer would change."""
    w = _wording(session)
    decision = session.decision()
    hanging = [u.conclusion for u in decision.undetermined
               if any(p == q.field or p.startswith(f"{q.field} (") for p in u.depends_on)]
    listed = list(dict.fromkeys([*hanging, *q.changes]))
    number = {c: i for i, c in enumerate(listed, 1)}
    prompts.say(f"  What hangs on {q.field}:")
    for c in listed:
        prompts.say(f"    {number[c]}. {_words(w, c)}")
    if q.needs:
        prompts.say(f"  (it is measured against {', '.join(q.needs)}, asked after it)")
    like = " or a date like it" if q.type == "date" else " or a number like it" if q.type in (
        "count", "int") else ""
    answers = sorted(q.answers, key=lambda a: -len(a.changes))
    for a in answers[:6]:
        changed = sorted(number[x] for x in a.changes if x in number)
        which = ", ".join(map(str, changed)) if changed else "none of them by itself"
        prompts.say(f"  {_shown(a.value)}{like if a.value is not None else ''}: decides {which}")
    if len(answers) > 6:
        prompts.say(f"  ({len(answers) - 6} more answers of other kinds)")


def run_interview(session: Interview, prompts: Prompts) -> str:
    """Ask until the outputs of interest are determined, no question is left, the input
    ends or the user quits; how it ended ("determined", "exhausted", "input ended",
    "quit", "interrupted")."""
    from rulepath.engine.errors import CaseError

    again: str | None = None
    while True:
        questions = session.questions()
        if not questions:
            return "exhausted" if session.open() else "determined"
        q = next((x for x in questions if x.field == again), questions[0])
        again = None
        reply = prompts.reply(q, session.asked + 1)
        if reply is None:
            return "interrupted" if prompts.interrupted else "input ended"
        kind, value = parse(reply, q)
        if kind == "quit":
            return "quit"
        if kind == "explain":
            explain(session, q, prompts)
            again = q.field
        elif kind == "back":
            previous = session.back()
            if previous is None:
                prompts.say("  Nothing to go back to: this is the first question.")
                again = q.field
            else:
                again = previous
        elif kind == "unknown":
            session.skip(q.field)
        elif kind == "invalid":
            prompts.say(f"  {value}")
            again = q.field
        else:
            try:
                session.answer(q.field, value)
            except CaseError as error:
                prompts.say(f"  {error.reason}")
                again = q.field


ENDINGS = {
    "determined": "Every output of interest is determined",
    "exhausted": "No question left can change what is still open",
    "input ended": "The input ended",
    "quit": "Stopped",
}


def _yaml(session: Interview, asked: int) -> str:
    """The case file: sections as blocks, lists inline (``rules: [frcp-37]``)."""
    from rulepath.engine.documents import dump_case_yaml

    head = f"# Written by rulepath interview after {asked} question{'s' * (asked != 1)}.\n"
    return head + dump_case_yaml(session.file_data())


def _start(case: str | None, pack_id: str | None, as_of: str | None,
           overlays: tuple[str, ...], rule_version: str | None) -> Any:
    from rulepath.engine.casefile import FILE, FORMAT_ID, case_from_mapping
    from rulepath.engine.errors import CaseError, RulepathError

    if case == "-":
        raise CaseError(FILE, "- (standard input) carries the answers: give CASE as a file")
    if case is None:
        data: dict[str, Any] = {"format": FORMAT_ID}
        if pack_id is not None:
            from rulepath.engine.pack import pack_ids

            if pack_id not in pack_ids():
                known = ", ".join(pack_ids())
                raise RulepathError("--pack", f"unknown rule pack {pack_id!r} (known: {known})")
            data["rule"] = pack_id
        return with_options(case_from_mapping(data), as_of, overlays, rule_version)
    loaded = load(case, as_of, overlays, rule_version)
    if pack_id is not None and pack_id != loaded.pack:
        raise RulepathError("--pack", f"CASE is a case of {loaded.pack}, not {pack_id}")
    return loaded


def _check_writable(output: str | None) -> None:
    from rulepath.engine.errors import RulepathError

    if output is None or output == "-":
        return
    path = Path(output)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise RulepathError("output", f"a folder, not a file: {output}")
    if not folder.is_dir():
        raise RulepathError("output", f"no such folder: {folder}")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise RulepathError("output", f"permission denied: {output}")


@click.command()
@click.argument("case", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("-o", "--output", "output", metavar="OUT",
              type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the completed case file (YAML) to OUT; default stdout, the "
              "questions and the decision then going to stderr.")
@click.option("--pack", "pack_id", metavar="ID",
              help="Without CASE: interview under this rule pack (default: the default pack).")
@click.option("--no-defaults", is_flag=True,
              help="Do not fill unknown facts by presumptions (more questions are asked).")
@click.option("--plain", is_flag=True,
              help="Plain line prompts even on a terminal (as over a pipe).")
@case_options
@reports_input_errors
def interview(case: str | None, output: str | None, pack_id: str | None, no_defaults: bool,
              plain: bool, as_of: str | None, overlays: tuple[str, ...],
              rule_version: str | None) -> None:
    """Ask, from CASE (a partial case file; none: an empty one), only the questions whose
    answer can still change the route, readiness, defects, deadlines or sanctions (the
    outputs the pack declares of interest), the most decisive first; then write the case
    file and print the decision.

    At each prompt Enter (or 'unknown') leaves the fact unknown, '?' says what hangs on the
    answer, 'back' asks the previous question again and 'quit' stops. Over a pipe the
    answers are read from stdin, one a line.

    Exit status: 0 when the case file is written; 1 when the rules conflict on it, or the
    interview was interrupted (nothing is written then); 2 when CASE or an option is wrong.
    """
    from rulepath.engine.questions import Interview
    from rulepath.engine.render import print_text

    _check_writable(output)
    loaded = _start(case, pack_id, as_of, overlays, rule_version)
    to_stdout = output is None or output == "-"
    stream = sys.stderr if to_stdout else sys.stdout
    tty = not plain and sys.stdin.isatty() and stream.isatty()
    prompts = Prompts(stream, tty)
    session = Interview.start(loaded, defaults=not no_defaults)
    w = _wording(session)
    still = session.open()
    prompts.say(f"{w.title or loaded.pack}: {len(still)} open conclusion"
                f"{'s' * (len(still) != 1)} of interest.")
    if still:
        prompts.say(HELP)
    ending = run_interview(session, prompts)
    if ending == "interrupted":
        prompts.say("Interrupted: nothing written.")
        set_status(WRONG)
        sys.exit(WRONG)
    asked = session.asked
    open_now = session.open()
    prompts.say("")
    prompts.say(f"{ENDINGS[ending]} after {asked} question{'s' * (asked != 1)}.")
    for atom in open_now:
        prompts.say(f"  still open: {_words(w, atom)}")
    text = _yaml(session, asked)
    if to_stdout:
        click.echo(text, nl=False)
    else:
        from rulepath.engine.errors import RulepathError

        try:
            Path(str(output)).write_text(text, encoding="utf-8")
        except OSError as error:
            raise RulepathError("output", f"cannot write {output}: {error.strerror}") from None
        prompts.say(f"Case file written to {output}.")
    decision = session.decision(explain=True)
    prompts.say("")
    print_text(decision, color=tty, file=stream)
    if decision.conflicts:
        set_status(WRONG)
        sys.exit(WRONG)
