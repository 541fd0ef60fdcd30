"""Amendments: an .lp file loaded on top of a version and its overlays, validated first.

An amendment is written in the overlay style: it adds rules, defeats base rules by name
(``rule(X, defeats(BaseId), Cite)``) and replaces parameters (``replaced_param(P)`` with its
own ``param(P, Days, Unit, Cite)``); it never edits the base. Before it is used it is parsed
with clingo's AST and checked against the loaded program (pack + version + overlays):

* only facts and rules whose heads are the pack's declaration predicates (and comments);
  no directives (``#include``, ``#script``, ``#show``, ...), no constraints, no choices;
* no case facts faked (``input/2`` and the other input declarations, ``holds/1``, ...);
* premises (``if``/``unless``) name conclusions some rule draws or case facts; a rule id,
  ``defeats(Id)`` or ``replaced_param(P)`` names what the loaded program has.

Each problem is one line ``FILE:LINE: problem``; :class:`AmendmentError` (a
:class:`RulepathError` on the field ``amend``) carries them all, its message the first.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import clingo
from clingo import ast

from .errors import RulepathError

if TYPE_CHECKING:
    from .program import Program

# The declarations an amendment may make (logic/core/declarations.lp, interpreter.lp,
# output.lp, requirements.lp), by name and arity; besides these, any predicate the loaded
# program states by facts only (a pack's own declarations) -- see :func:`declarations`.
DECLARATIONS: frozenset[tuple[str, int]] = frozenset(
    {
        ("rule", 3),
        ("if", 2),
        ("unless", 2),
        ("default", 3),
        ("text", 2),
        ("base_param", 4),
        ("param", 4),
        ("replaced_param", 1),
        ("requirement", 3),
        ("deadline", 6),
        ("deadline_interval", 2),
        ("rolls_forward", 1),
        ("threshold", 4),
        ("step_order", 2),
        ("category", 2),
        ("force", 3),
    }
)
# What would fake a case fact or the interpreter's own atoms.
FAKES: frozenset[str] = frozenset(
    {
        "input",
        "input_value",
        "input_member",
        "input_other",
        "input_timely",
        "input_over",
        "input_present",
        "inputterm",
        "holds",
        "fired",
        "presumed",
        "defeated",
        "read",
        "output",
    }
)
_DIRECTIVES = {
    ast.ASTType.ShowSignature: "#show",
    ast.ASTType.ShowTerm: "#show",
    ast.ASTType.Defined: "#defined",
    ast.ASTType.Definition: "#const",
    ast.ASTType.Script: "#script",
    ast.ASTType.External: "#external",
    ast.ASTType.Program: "#program",
    ast.ASTType.Minimize: "#minimize",
    ast.ASTType.ProjectAtom: "#project",
    ast.ASTType.ProjectSignature: "#project",
    ast.ASTType.Edge: "#edge",
    ast.ASTType.Heuristic: "#heuristic",
    ast.ASTType.TheoryDefinition: "#theory",
}
FIELD = "amend"


class AmendmentError(RulepathError):
    """An amendment that cannot be used: ``errors`` holds one ``FILE:LINE: problem`` each."""

    def __init__(self, errors: list[str]) -> None:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(FIELD, errors[0] + more)
        self.errors = errors


@dataclass(frozen=True)
class Amendment:
    """A validated amendment: the path it was read from and its text (the program key)."""

    path: str
    text: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.path, self.text)


def read_amendment(path: str | os.PathLike[str]) -> tuple[str, str]:
    """The path (as given) and the text of an amendment file."""
    name = os.fspath(path)
    try:
        return name, Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise AmendmentError([f"{name}: cannot read: {reason}"]) from None


def load_amendment(program: Program, path: str | os.PathLike[str]) -> Amendment:
    """Read the amendment at ``path`` and validate it against ``program`` (the pack, version
    and overlays it is loaded on); an :class:`AmendmentError` lists what is wrong."""
    name, text = read_amendment(path)
    return validated(program, name, text)


def validated(program: Program, path: str, text: str) -> Amendment:
    errors = validate(program, path, text)
    if errors:
        raise AmendmentError(errors)
    return Amendment(path, text)


# --- parsing -----------------------------------------------------------------------------

_CLINGO_MESSAGE = re.compile(r"^<[^>]*>:(\d+):[\d:-]*:?\s*(?:error:\s*)?(.*)$", re.DOTALL)


def _clingo_message(path: str, message: str) -> tuple[int, str]:
    """A clingo message (``<string>:2:1-4: error: syntax error, ...``) as (line, problem)."""
    found = _CLINGO_MESSAGE.match(message.strip())
    if found is None:
        return 1, " ".join(message.split())
    return int(found.group(1)), " ".join(found.group(2).split())


def _includes(text: str) -> Iterator[int]:
    """The lines of ``#include`` directives outside comments and strings (clingo's parser
    would open the file before the statement could be refused)."""
    i, line, n = 0, 1, len(text)
    while i < n:
        c = text[i]
        if c == "%":
            if text.startswith("%*", i):
                end = text.find("*%", i + 2)
                stop = n if end < 0 else end + 2
            else:
                end = text.find("\n", i)
                stop = n if end < 0 else end
            line += text.count("\n", i, stop)
            i = stop
            continue
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            line += text.count("\n", i, j)
            i = j + 1
            continue
        if c == "\n":
            line += 1
        elif c == "#" and text.startswith("include", i + 1):
            yield line
        i += 1


def _statements(path: str, text: str, errors: list[tuple[int, str]]) -> list[ast.AST]:
    statements: list[ast.AST] = []
    messages: list[str] = []
    try:
        ast.parse_string(
            text, statements.append, logger=lambda _code, msg: messages.append(msg)
        )
    except RuntimeError as error:
        if not messages:
            messages.append(f"<string>:1: {error}")
        for message in messages:
            errors.append(_clingo_message(path, message))
        return []
    return statements


# --- terms -------------------------------------------------------------------------------


def _symbol(term: Any) -> clingo.Symbol | None:
    """The ground symbol of an AST term, or None when it has variables, pools or operations."""
    kind = term.ast_type
    if kind == ast.ASTType.SymbolicTerm:
        return term.symbol  # type: ignore[no-any-return]
    if kind == ast.ASTType.Function and not term.external:
        args = [_symbol(a) for a in term.arguments]
        if all(a is not None for a in args):
            return clingo.Function(term.name, [a for a in args if a is not None])
    return None


def _signatures(term: Any) -> list[tuple[str, int]] | None:
    """The (name, arity) a non-ground term can have; None when any (a variable)."""
    kind = term.ast_type
    if kind == ast.ASTType.SymbolicTerm:
        sym = term.symbol
        if sym.type == clingo.SymbolType.Function:
            return [(sym.name, len(sym.arguments))]
        return [("", -1)]  # a number or string: no conclusion
    if kind == ast.ASTType.Function:
        return [(term.name, len(term.arguments))]
    if kind == ast.ASTType.Pool:
        found: list[tuple[str, int]] = []
        for alt in term.arguments:
            sigs = _signatures(alt)
            if sigs is None:
                return None
            found.extend(sigs)
        return found
    return None


def _sig(sym: clingo.Symbol) -> tuple[str, int]:
    if sym.type == clingo.SymbolType.Function:
        return (sym.name, len(sym.arguments))
    return ("", -1)


def _suggest(word: str, candidates: Any) -> str:
    close = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _head_atom(head: Any) -> tuple[str, list[Any]] | None:
    """The predicate name and argument terms of a plain positive head, else None."""
    if head.ast_type != ast.ASTType.Literal or head.sign != ast.Sign.NoSign:
        return None
    atom = head.atom
    if atom.ast_type != ast.ASTType.SymbolicAtom:
        return None
    sym = atom.symbol
    if sym.ast_type == ast.ASTType.Function and not sym.external:
        return sym.name, list(sym.arguments)
    if sym.ast_type == ast.ASTType.SymbolicTerm and sym.symbol.type == clingo.SymbolType.Function:
        return sym.symbol.name, []
    return None


# --- validation --------------------------------------------------------------------------


@dataclass
class _Decl:
    line: int
    name: str
    args: list[Any]


def validate(program: Program, path: str, text: str) -> list[str]:
    """Every problem of the amendment ``text`` (read from ``path``) on top of ``program``,
    one ``FILE:LINE: problem`` each, by line; empty when it can be loaded."""
    errors: list[tuple[int, str]] = []
    for line in _includes(text):
        errors.append((line, "#include is not allowed: an amendment is one self-contained file"))
    if errors:
        return _format(path, errors)
    decls: list[_Decl] = []
    allowed = declarations(program)
    for i, stmt in enumerate(_statements(path, text, errors)):
        line = stmt.location.begin.line
        kind = stmt.ast_type
        if kind == ast.ASTType.Comment:
            continue
        if kind == ast.ASTType.Program and i == 0:
            continue  # the implicit #program base. every parse begins with
        if kind in _DIRECTIVES:
            errors.append((line, f"{_DIRECTIVES[kind]} is not allowed in an amendment"))
            continue
        if kind != ast.ASTType.Rule:
            errors.append((line, f"{kind.name} statements are not allowed in an amendment"))
            continue
        decl = _check_rule(stmt, line, errors, allowed)
        if decl is not None:
            decls.append(decl)
    if not errors:
        _check_grounding(text, errors)
    if not errors:
        _check_vocabulary(program, decls, errors)
    return _format(path, errors)


def _format(path: str, errors: list[tuple[int, str]]) -> list[str]:
    return [f"{path}:{line}: {problem}" for line, problem in sorted(set(errors))]


def declarations(program: Program) -> frozenset[tuple[str, int]]:
    """What an amendment may state: the core's declarations and every predicate that the
    loaded program's files state by facts alone (a pack's own declarations), never a faked
    input nor anything a rule derives."""
    return program.derived("amendment_declarations", _declarations)


def _declarations(program: Program) -> frozenset[tuple[str, int]]:
    derived: set[tuple[str, int]] = set()

    def visit(stmt: Any) -> None:
        if stmt.ast_type == ast.ASTType.Rule and len(stmt.body) > 0:
            found = _head_atom(stmt.head)
            if found is not None:
                derived.add((found[0], len(found[1])))

    ast.parse_files([str(f) for f in program.files], visit, logger=lambda _c, _m: None)
    found = set(DECLARATIONS)
    atoms = program.control.symbolic_atoms
    for name, arity, positive in atoms.signatures:
        declared = positive and name and name not in FAKES and (name, arity) not in derived
        if declared and all(a.is_fact for a in atoms.by_signature(name, arity)):
            found.add((name, arity))
    return frozenset(found)


def _check_rule(
    stmt: Any, line: int, errors: list[tuple[int, str]], allowed: frozenset[tuple[str, int]]
) -> _Decl | None:
    head = stmt.head
    if head.ast_type == ast.ASTType.Literal and head.atom.ast_type == ast.ASTType.BooleanConstant:
        errors.append(
            (line, "integrity constraints (:- ...) are not allowed: an amendment must not "
             "make a case unsatisfiable")
        )
        return None
    if head.ast_type in (ast.ASTType.Aggregate, ast.ASTType.HeadAggregate):
        errors.append((line, "choice rules are not allowed in an amendment"))
        return None
    if head.ast_type == ast.ASTType.Disjunction:
        errors.append((line, "disjunctive heads are not allowed in an amendment"))
        return None
    found = _head_atom(head)
    if found is None:
        errors.append((line, f"unsupported head {head}: state a declaration fact or rule"))
        return None
    name, args = found
    if name in FAKES:
        errors.append(
            (line, f"{name}/{len(args)} in a head: an amendment must not fake facts of a case "
             "or the interpreter's atoms")
        )
        return None
    if (name, len(args)) not in allowed:
        listed = sorted(f"{n}/{a}" for n, a in DECLARATIONS)
        errors.append(
            (line, f"{name}/{len(args)} is not a declaration of the pack's vocabulary"
             f"{_suggest(name, (n for n, _ in allowed))}; allowed: {', '.join(listed)} "
             "and the pack's own declarations")
        )
        return None
    for lit in stmt.body:
        _check_body(lit, line, errors, allowed)
    return _Decl(line, name, args)


def _check_body(
    lit: Any, line: int, errors: list[tuple[int, str]], allowed: frozenset[tuple[str, int]]
) -> None:
    if lit.ast_type != ast.ASTType.Literal:
        errors.append((line, f"body element {lit} is not allowed: use plain declaration atoms"))
        return
    atom = lit.atom
    if atom.ast_type in (ast.ASTType.Comparison, ast.ASTType.BooleanConstant):
        return
    if atom.ast_type != ast.ASTType.SymbolicAtom:
        errors.append((line, f"body element {lit} is not allowed: use plain declaration atoms"))
        return
    found = _head_atom(ast.Literal(lit.location, ast.Sign.NoSign, atom))
    if found is None or (found[0], len(found[1])) not in allowed:
        errors.append(
            (line, f"the body reads {atom}: a rule's body may read only the pack's "
             "declarations (state conditions as if/unless premises)")
        )


def _check_grounding(text: str, errors: list[tuple[int, str]]) -> None:
    """Ground the amendment alone: clingo's own errors (unsafe variables, ...) by line."""
    messages: list[str] = []
    control = clingo.Control(["--warn=none"], logger=lambda _c, m: messages.append(m))
    try:
        control.add("base", [], text)
        control.ground([("base", [])])
    except RuntimeError as error:
        for message in messages or [f"<string>:1: {error}"]:
            errors.append(_clingo_message("", message))


def _check_vocabulary(program: Program, decls: list[_Decl], errors: list[tuple[int, str]]) -> None:
    base_ids = {str(r): r for r in program.rules}
    conclusions = {d.head for d in program.rules.values() if not d.is_default}
    inputs = {d.term for d in program.inputs}
    facts = inputs | {clingo.Function("unknown", [t]) for t in inputs}
    facts.add(clingo.Function("defaults_on"))
    known = conclusions | facts
    ctl = program.control
    base_params = {
        str(a.symbol.arguments[0]): a.symbol
        for a in ctl.symbolic_atoms.by_signature("base_param", 4)
    }
    in_force = {
        str(a.symbol.arguments[0]): a.symbol.arguments[1:3]
        for a in ctl.symbolic_atoms.by_signature("param", 4)
    }
    replaced = {
        str(a.symbol.arguments[0]) for a in ctl.symbolic_atoms.by_signature("replaced_param", 1)
    }

    # What the amendment itself declares.
    own_ids: set[clingo.Symbol] = set()
    own_id_sigs: set[tuple[str, int]] = set()
    own_heads: set[clingo.Symbol] = set()
    own_head_sigs: set[tuple[str, int]] = set()
    own_replaced: set[str] = set()
    own_params: dict[str, tuple[int, Any]] = {}
    for d in decls:
        if d.name in ("rule", "default"):
            rid = _symbol(d.args[0])
            if rid is not None:
                own_ids.add(rid)
                own_id_sigs.add(_sig(rid))
            else:
                own_id_sigs.update(_signatures(d.args[0]) or [])
        if d.name == "rule":
            head = _symbol(d.args[1])
            if head is not None:
                own_heads.add(head)
                own_head_sigs.add(_sig(head))
            else:
                own_head_sigs.update(_signatures(d.args[1]) or [])
        if d.name == "replaced_param":
            p = _symbol(d.args[0])
            if p is not None:
                own_replaced.add(str(p))
        if d.name == "param":
            p = _symbol(d.args[0])
            if p is not None:
                own_params[str(p)] = (d.line, d.args)
    known_sigs = {_sig(s) for s in known} | own_head_sigs
    names = [str(s) for s in known | own_heads]

    def check_premise(term: Any, line: int, what: str) -> None:
        sym = _symbol(term)
        if sym is not None:
            if sym not in known and sym not in own_heads:
                errors.append(
                    (line, f"{what} {sym} is concluded by no rule and is no case fact"
                     f"{_suggest(str(sym), names)}")
                )
        else:
            sigs = _signatures(term)
            for sig in sigs or []:
                if sig not in known_sigs:
                    errors.append(
                        (line, f"{what} {term}: no rule concludes and no case fact is a "
                         f"{sig[0]}/{sig[1]}{_suggest(sig[0], (n for n, _ in known_sigs))}")
                    )

    for d in decls:
        if d.name in ("rule", "default"):
            rid = _symbol(d.args[0])
            if rid is not None and rid in program.rules:
                errors.append(
                    (d.line, f"rule id {rid} is already a rule of the loaded program: an "
                     "amendment never edits the base; give its rule a new id")
                )
            cite = _symbol(d.args[2])
            if cite is not None and cite.type != clingo.SymbolType.String:
                errors.append((d.line, f"the cite of {d.args[0]} must be a string, not {cite}"))
        if d.name == "rule":
            head = _symbol(d.args[1])
            if head is not None and head.match("defeats", 1):
                target = head.arguments[0]
                if target not in program.rules and target not in own_ids:
                    errors.append(
                        (d.line, f"defeats({target}): no rule or default of the loaded "
                         f"program has the id {target}{_suggest(str(target), base_ids)}")
                    )
            elif head is not None and head in facts:
                errors.append(
                    (d.line, f"concludes the case fact {head}: an amendment must not fake "
                     "facts of a case")
                )
            elif head is None:
                fact_sigs = {_sig(t) for t in facts} - {_sig(c) for c in conclusions}
                for sig in _signatures(d.args[1]) or []:
                    if sig in fact_sigs:
                        errors.append(
                            (d.line, f"concludes case facts {d.args[1]}: an amendment must "
                             "not fake facts of a case")
                        )
        elif d.name == "default":
            fact = d.args[1]
            sym = _symbol(fact)
            if sym is not None and sym.match("neg", 1):
                sym = sym.arguments[0]
            if sym is not None and sym not in inputs:
                errors.append(
                    (d.line, f"default {d.args[0]} presumes {sym}, which is no case fact"
                     f"{_suggest(str(sym), (str(t) for t in inputs))}")
                )
        elif d.name in ("if", "unless"):
            rid = _symbol(d.args[0])
            if rid is not None and rid in program.rules:
                errors.append(
                    (d.line, f"{d.name}({rid}, ...) adds a premise to the base rule {rid}: an "
                     f"amendment never edits the base; defeat it (rule(_, defeats({rid}), "
                     "Cite)) and state its own rule")
                )
            elif rid is not None and rid not in own_ids:
                errors.append(
                    (d.line, f"{d.name}({rid}, ...): the amendment declares no rule or "
                     f"default {rid}{_suggest(str(rid), (str(i) for i in own_ids))}")
                )
            elif rid is None and not set(_signatures(d.args[0]) or []) <= own_id_sigs:
                errors.append((d.line, f"{d.name}({d.args[0]}, ...): no rule of the amendment"))
            check_premise(d.args[1], d.line, "premise")
        elif d.name == "replaced_param":
            p = _symbol(d.args[0])
            if p is not None and str(p) not in base_params:
                errors.append(
                    (d.line, f"replaced_param({p}): the pack has no parameter {p}"
                     f"{_suggest(str(p), base_params)}")
                )
            elif p is not None and str(p) not in own_params:
                errors.append(
                    (d.line, f"replaced_param({p}) without its param({p}, Days, Unit, Cite)")
                )
        elif d.name == "param":
            p = _symbol(d.args[0])
            if p is None:
                continue
            if str(p) not in own_replaced:
                errors.append(
                    (d.line, f"param({p}, ...) without replaced_param({p}): a parameter is "
                     "replaced, never given twice")
                )
            elif str(p) in replaced:
                days, unit = (_symbol(a) for a in d.args[1:3])
                if [days, unit] != list(in_force.get(str(p), [])):
                    errors.append(
                        (d.line, f"param({p}, ...): the loaded version or an overlay already "
                         f"replaces {p} ({', '.join(map(str, in_force.get(str(p), [])))})")
                    )
        elif d.name == "base_param":
            p = _symbol(d.args[0])
            if p is not None and str(p) in base_params:
                errors.append(
                    (d.line, f"base_param({p}, ...): the pack already has {p}; replace it "
                     "with replaced_param/1 and param/4")
                )
