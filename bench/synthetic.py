"""Synthetic rule families for the drafting benchmark (bench/drafting.py), and a brute-force
evaluator of them in plain Python (bit-parallel over Python ints), independent of the engine.

A family is a pack-like reified rule program in the interpreter's format (``rule/3``, ``if/2``,
``unless/2``) over ``n`` boolean inputs ``i0 .. i{n-1}``: two layers of derived conclusions
(``p*``, ``q*``), then the core output vocabulary (``governs``, ``route/1``,
``ready_for_hearing``, ``recommended/1``, ``exception/1``). Every premise of a rule is an input
or a conclusion of an earlier layer, so the program is stratified and a scenario's conclusions
are computed by one forward pass in layer order (negation as failure over what is already
final). Version ``a`` and version ``b`` share most rules; ``b`` changes a few (a premise
added, dropped or negated, a head moved to another route) and adds one.

:func:`write_pack` writes the family as a pack folder (pack.toml, case.toml, main.lp,
versions/a.lp, versions/b.lp) that the engine finds through :func:`engine.pack.add_pack_path`;
:func:`brute_force` enumerates all 2^n input assignments in chunks and evaluates both versions
bit-parallel: each atom is a Python int whose bit ``j`` is its value in assignment ``j`` of
the chunk (input ``i_k`` is bit ``k`` of the assignment's number), so one ``&``, ``|`` or ``~``
evaluates a rule premise on every assignment of the chunk at once. It collects what engine.diff and
engine.check report.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

ROUTES = ("r0", "r1", "r2")
DISPOSITIONS = ("hear", "drop")
EXCEPTIONS = ("e0", "e1")
# name of each output conclusion this generator draws -> (arity, at most one value)
OUTPUTS = {"governs": (0, True), "route": (1, True), "ready_for_hearing": (0, True),
           "recommended": (1, True), "exception": (1, False)}


@dataclass(frozen=True)
class Rule:
    id: str
    head: str  # an atom: "p3", "route(r1)", "ready_for_hearing"
    ifs: tuple[str, ...]
    unless: tuple[str, ...] = ()

    def lp(self) -> str:
        lines = [f'rule({self.id}, {self.head}, "S({self.id})").']
        lines += [f"if({self.id}, {p})." for p in self.ifs]
        lines += [f"unless({self.id}, {p})." for p in self.unless]
        return "\n".join(lines)


@dataclass
class Family:
    n: int
    seed: int
    common: list[Rule] = field(default_factory=list)
    a_only: list[Rule] = field(default_factory=list)
    b_only: list[Rule] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # derived atoms, in layer order

    @property
    def pack_id(self) -> str:
        return f"synthetic-n{self.n}-s{self.seed}"

    def rules(self, side: str) -> list[Rule]:
        return self.common + (self.a_only if side == "a" else self.b_only)


def _outputs_atoms() -> list[str]:
    return (["governs"] + [f"route({r})" for r in ROUTES] + ["ready_for_hearing"]
            + [f"recommended({d})" for d in DISPOSITIONS] + [f"exception({e})" for e in EXCEPTIONS])


def generate(n: int, seed: int = 0, changes: int = 3) -> Family:
    """A family of ``n`` inputs (deterministic in ``seed``) whose version b changes
    ``changes`` rules of version a and adds one."""
    rnd = random.Random(f"{n}:{seed}")
    fam = Family(n, seed)
    inputs = [f"i{k}" for k in range(n)]
    rules: list[Rule] = []
    count = 0

    def add(head: str, pool: list[str], k: int, neg: float = 0.35,
            must: tuple[str, ...] = ()) -> None:
        nonlocal count
        ifs = tuple(dict.fromkeys(must + tuple(rnd.sample(pool, min(k, len(pool))))))
        rest = [x for x in pool if x not in ifs]
        unless = (rnd.choice(rest),) if rest and rnd.random() < neg else ()
        rules.append(Rule(f"s{count}", head, ifs, unless))
        count += 1

    p = [f"p{j}" for j in range(max(2, n // 2))]
    q = [f"q{j}" for j in range(max(2, n // 4))]
    for j, atom in enumerate(p):  # each input is read by some p
        for _ in range(rnd.choice((1, 2))):
            add(atom, inputs, 2, must=(inputs[(2 * j) % n],))
    for k in range(n):
        if not any(f"i{k}" in r.ifs or f"i{k}" in r.unless for r in rules):
            add(rnd.choice(p), inputs, 1, must=(f"i{k}",))
    for atom in q:
        for _ in range(rnd.choice((1, 2))):
            add(atom, inputs + p, 2)
    add("governs", p, 1)
    add("governs", p + q, 1)
    for r in ROUTES:
        for _ in range(2):
            add(f"route({r})", p + q, 2, neg=0.6, must=("governs",))
    add("ready_for_hearing", q, 1, must=("governs",))
    add("ready_for_hearing", p + q, 2, must=("governs",))
    add("recommended(hear)", p + q, 1, neg=0.2, must=("ready_for_hearing",))
    add("recommended(drop)", p + q, 1, neg=1.0, must=("governs",))
    for e in EXCEPTIONS:
        add(f"exception({e})", p + q, 2)
    fam.order = p + q + _outputs_atoms()

    # version b: mutate a few rules (their a form goes to a.lp, their b form to b.lp)
    rank = {atom: i for i, atom in enumerate(fam.order)}
    mutable = [r for r in rules if not r.head.startswith("p")]
    picked = set(rnd.sample(range(len(mutable)), min(changes, len(mutable))))
    for i, rule in enumerate(mutable):
        if i not in picked:
            continue
        earlier = inputs + [x for x in fam.order if rank[x] < rank[rule.head]]
        kind = rnd.choice(("add", "drop", "negate", "move") if rule.head.startswith("route(")
                          else ("add", "drop", "negate"))
        if kind == "add":
            extra = rnd.choice([x for x in earlier if x not in rule.ifs + rule.unless])
            new = Rule(rule.id, rule.head, (*rule.ifs, extra), rule.unless)
        elif kind == "drop" and len(rule.ifs) > 1:
            new = Rule(rule.id, rule.head, rule.ifs[:-1], rule.unless)
        elif kind == "move":
            other = rnd.choice([f"route({r})" for r in ROUTES if f"route({r})" != rule.head])
            new = Rule(rule.id, other, rule.ifs, rule.unless)
        else:  # negate: the last premise becomes an exception
            new = Rule(rule.id, rule.head, rule.ifs[:-1] or rule.ifs,
                       rule.unless + ((rule.ifs[-1],) if len(rule.ifs) > 1 else ()))
            if new == rule:
                new = Rule(rule.id, rule.head, rule.ifs, ())
        fam.a_only.append(rule)
        fam.b_only.append(new)
    fam.b_only.append(Rule(f"s{count}", f"route({rnd.choice(ROUTES)})",
                           ("governs", rnd.choice(q)), (rnd.choice(p),)))
    changed = {r.id for r in fam.a_only}
    fam.common = [r for r in rules if r.id not in changed]
    return fam


# --- the pack folder ----------------------------------------------------------------------------


def write_pack(fam: Family, folder: Path) -> Path:
    """Write ``fam`` as a pack in ``folder / fam.pack_id``; returns that folder."""
    root = folder / fam.pack_id
    (root / "versions").mkdir(parents=True, exist_ok=True)
    (root / "pack.toml").write_text(
        f'id = "{fam.pack_id}"\n'
        f'title = "Synthetic rule family, {fam.n} inputs, seed {fam.seed} (a benchmark pack)"\n'
        'court = "none"\nmain = "main.lp"\ncase_schema = "case.toml"\n\n'
        '[[versions]]\nid = "a"\nin_force_from = "2020-01-01"\nfiles = ["versions/a.lp"]\n\n'
        '[[versions]]\nid = "b"\nin_force_from = "2021-01-01"\nfiles = ["versions/b.lp"]\n',
        encoding="utf-8")
    case = ['[sections.x]\ndescription = "Every input."\n']
    for k in range(fam.n):
        case.append(f'[fields."x.i{k}"]\ntype = "bool"\ndescription = "Input {k}."\n')
    (root / "case.toml").write_text("\n".join(case), encoding="utf-8")
    main = [f"% Synthetic family: {fam.n} inputs, seed {fam.seed} (bench/synthetic.py)."]
    main += [f'input(i{k}, "x.i{k}").' for k in range(fam.n)]
    main += [r.lp() for r in fam.common]
    (root / "main.lp").write_text("\n".join(main) + "\n", encoding="utf-8")
    for side, rules in (("a", fam.a_only), ("b", fam.b_only)):
        text = "\n".join(r.lp() for r in rules) + "\n"
        (root / "versions" / f"{side}.lp").write_text(text, encoding="utf-8")
    return root


# --- brute force --------------------------------------------------------------------------------


@dataclass
class Brute:
    """What every scenario of the family shows, collected as engine.diff and engine.check
    report it."""

    scenarios: int = 0
    changed_scenarios: int = 0  # scenarios where some output differs
    changes: set[str] = field(default_factory=set)  # output names some scenario changes
    change_counts: dict[str, int] = field(default_factory=dict)  # output -> scenarios changing it
    transition_counts: dict[tuple[str, str, str], int] = field(default_factory=dict)
    transitions: set[tuple[str, str, str]] = field(default_factory=set)
    gaps: set[str] = field(default_factory=set)  # diff's gaps (valued before, not after)
    conflicts: set[str] = field(default_factory=set)  # diff's new conflicts
    check: dict[str, set[str]] = field(default_factory=dict)  # side -> check findings' ids


def _input_mask(k: int, bits: int) -> int:
    """Bit j set iff bit k of j is set, for j < 2^bits."""
    half = 1 << k
    mask, width = ((1 << half) - 1) << half, 2 * half
    while width < (1 << bits):
        mask |= mask << width
        width *= 2
    return mask


def _evaluate(rules: list[Rule], order: list[str], env: dict[str, int], full: int
              ) -> dict[str, int]:
    by_head: dict[str, list[Rule]] = {}
    for r in rules:
        by_head.setdefault(r.head, []).append(r)
    val = dict(env)
    for atom in order:
        acc = 0
        for r in by_head.get(atom, ()):
            fire = full
            for x in r.ifs:
                fire &= val.get(x, 0)
            for x in r.unless:
                fire &= ~val.get(x, 0)
            acc |= fire
        val[atom] = acc & full
    return val


DOMAINS = {"route": ROUTES, "recommended": DISPOSITIONS, "exception": EXCEPTIONS}


def _atoms(name: str) -> list[str]:
    return [name] if OUTPUTS[name][0] == 0 else [f"{name}({v})" for v in DOMAINS[name]]


def _or(xs: list[int]) -> int:
    acc = 0
    for x in xs:
        acc |= x
    return acc


def _two_or_more(xs: list[int]) -> int:
    one = two = 0
    for x in xs:
        two |= one & x
        one |= x
    return two


def brute_force(fam: Family, chunk_bits: int = 22, workers: int = 1) -> Brute:
    """Evaluate both versions on every one of the 2^n input assignments, ``2^chunk_bits`` at
    a time (``chunk_bits=0``: one scenario at a time, each atom a single bit), the chunks
    shared among ``workers`` processes."""
    bits = min(fam.n, chunk_bits)
    chunks = 1 << (fam.n - bits)
    if workers > 1 and chunks >= workers:
        from concurrent.futures import ProcessPoolExecutor

        step = -(-chunks // workers)
        parts = [(fam, bits, range(i, min(i + step, chunks))) for i in range(0, chunks, step)]
        with ProcessPoolExecutor(workers) as pool:
            return _merge(list(pool.map(_brute_part, parts)))
    return _brute(fam, bits, range(chunks))


def _brute_part(args: tuple[Family, int, range]) -> Brute:
    return _brute(*args)


def _merge(parts: list[Brute]) -> Brute:
    out = Brute(check={"a": set(), "b": set()})
    for p in parts:
        out.scenarios += p.scenarios
        out.changed_scenarios += p.changed_scenarios
        out.changes |= p.changes
        out.transitions |= p.transitions
        out.gaps |= p.gaps
        out.conflicts |= p.conflicts
        for s in out.check:
            out.check[s] |= p.check[s]
        for k, v in p.change_counts.items():
            out.change_counts[k] = out.change_counts.get(k, 0) + v
        for t, v in p.transition_counts.items():
            out.transition_counts[t] = out.transition_counts.get(t, 0) + v
    return out


def _brute(fam: Family, bits: int, chunks: range) -> Brute:
    n = fam.n
    full = (1 << (1 << bits)) - 1
    low = {f"i{k}": _input_mask(k, bits) for k in range(bits)}
    out = Brute(check={"a": set(), "b": set()})
    for chunk in chunks:
        env = dict(low)
        for k in range(bits, n):  # constant over the chunk
            env[f"i{k}"] = full if (chunk >> (k - bits)) & 1 else 0
        side = {s: _evaluate(fam.rules(s), fam.order, env, full) for s in ("a", "b")}
        out.scenarios += 1 << bits
        any_diff = 0
        for name in OUTPUTS:
            d = _or([side["a"][x] ^ side["b"][x] for x in _atoms(name)])
            any_diff |= d
            if d:
                out.changes.add(name)
                out.change_counts[name] = out.change_counts.get(name, 0) + d.bit_count()
        out.changed_scenarios += any_diff.bit_count()
        # each dimension's values, as diff's joint rules define them
        dims: dict[str, dict[str, dict[str, int]]] = {}
        for s, val in side.items():
            route = {r: val[f"route({r})"] for r in ROUTES}
            rec = {d: val[f"recommended({d})"] for d in DISPOSITIONS}
            dims[s] = {
                "route": {**route, "none": full & ~_or(list(route.values()))},
                "ready_for_hearing": {"true": val["ready_for_hearing"],
                                      "false": full & ~val["ready_for_hearing"]},
                "recommended": {**rec, "none": full & ~_or(list(rec.values()))},
            }
        for dim, va in dims["a"].items():
            vb = dims["b"][dim]
            for x in va:
                for y in va:
                    hit = va[x] & vb[y] & ~va[y] & ~vb[x]
                    if x != y and hit:
                        out.transitions.add((dim, x, y))
                        key = (dim, x, y)
                        out.transition_counts[key] = (out.transition_counts.get(key, 0)
                                                      + hit.bit_count())
        for name, (arity, at_most_one) in OUTPUTS.items():
            if not at_most_one:
                continue
            has = {s: _or([side[s][x] for x in _atoms(name)]) for s in side}
            if arity and has["a"] & ~has["b"]:  # a flag turning false is no gap
                out.gaps.add(name)
            if arity:
                many = {s: _two_or_more([side[s][x] for x in _atoms(name)]) for s in side}
                if many["b"] & ~many["a"]:
                    out.conflicts.add(name)
                for s in side:
                    if many[s]:
                        out.check[s].add(f"conflict:{name}")
        for s, val in side.items():  # check.lp's gaps
            if val["governs"] & dims[s]["route"]["none"]:
                out.check[s].add("gap:no_route")
            if dims[s]["recommended"]["none"]:
                out.check[s].add("gap:no_recommended")
    return out
