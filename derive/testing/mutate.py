"""Mutants of a step: small edits that make a true equality false, to test the checker.

Each operator makes one edit a student (or an OCR pass) might: flip a sign, change a
constant by one or by a factor of 2, drop or duplicate a term, drop a factor, double a
function's argument, swap the sigmoid and tanh,
change a power, swap two indices or two layer numbers, drop a ``1 -``, transpose a
matrix. A mutant counts only when an
independent route (evaluation at random points, at high precision) shows it really is
not equivalent to the original; :func:`run` then asks :func:`derive.equal` about it. Any
"proved" among such mutants is a soundness bug.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import sympy as sp

from ..engine.equivalence import equal
from ..calculus.functions import sigmoid


def _terms(e):
    return list(sp.Add.make_args(e))


def _layer_names(e) -> dict:
    """``{atom: (base, layer, sub)}`` for the layer-indexed symbols and arrays in ``e``."""
    from ..calculus.notation import split_layer_name
    from ..engine.traverse import atoms_of

    out = {}
    for a in atoms_of(e, sp.Symbol) | atoms_of(e, sp.IndexedBase):
        parts = split_layer_name(a.name if isinstance(a, sp.Symbol) else str(a.label))
        if parts is not None:
            out[a] = parts
    return out


def _renamed(atom, name):
    if isinstance(atom, sp.IndexedBase):
        return sp.IndexedBase(name, **atom.assumptions0)
    return sp.Symbol(name, **atom.assumptions0)


def swap_layers(e, rng: random.Random | None = None):
    """The first layer-indexed name moved to another layer of the expression (or the next one):
    ``w^{(2)}`` read as ``w^{(1)}``, the slip of a student who mixes up the layers."""
    from ..calculus.notation import layer_name
    from ..engine.traverse import substitute

    named = _layer_names(e)
    if not named:
        return None
    ordered = sorted(named.items(), key=lambda kv: str(kv[0]))
    atom, (base, layer, sub) = rng.choice(ordered) if rng else ordered[0]
    others = sorted({p[1] for p in named.values()} - {layer})
    new_layer = (rng.choice(others) if rng else others[0]) if others else (str(int(layer) + 1) if layer.isdigit() else layer + "+1")
    name = layer_name(base, new_layer) + (f"_{sub}" if sub else "")
    return substitute(e, {atom: _renamed(atom, name)})


def mutants(e, rng: random.Random) -> list:
    """``[(operator name, mutant)]`` for one expression (matrices: one entry edited)."""
    if isinstance(e, sp.MatrixBase):
        if len(e) == 0:
            return []
        out = []
        idx = rng.randrange(len(e))
        for name, m in mutants(e[idx], rng)[:4]:
            mat = sp.Matrix(e)
            mat[idx] = m
            out.append((f"entry: {name}", sp.ImmutableMatrix(mat)))
        if e.is_square and e != e.T:
            out.append(("transpose", sp.ImmutableMatrix(e.T)))
        return out
    if isinstance(e, sp.MatrixExpr):
        # a 1x1 expression (x^T A y) is its own transpose: transposing it is no mutation
        square = e.shape[0] == e.shape[1] and (e.shape[0], e.shape[1]) != (1, 1)
        return [("factor 2", 2 * e), ("transpose", e.T)] if square else [("factor 2", 2 * e)]
    out = [("flip sign", -e), ("add 1", e + 1), ("factor 2", 2 * e)]
    terms = _terms(e)
    if len(terms) > 1:
        k = rng.randrange(len(terms))
        out.append(("drop a term", sp.Add(*(terms[:k] + terms[k + 1:]))))
        out.append(("duplicate a term", e + rng.choice(terms)))
    if e.has(sigmoid):
        out.append(("sigma to tanh", e.replace(sigmoid, sp.tanh)))
    if e.has(sp.tanh):
        out.append(("tanh to sigma", e.replace(sp.tanh, sigmoid)))
    pows = [p for p in sp.preorder_traversal(e) if isinstance(p, sp.Pow) and p.exp.is_Integer and p.exp != -1]
    if pows:
        p = rng.choice(pows)
        out.append(("change a power", e.xreplace({p: p.base ** (p.exp + 1)})))
    nums = [n for n in sp.preorder_traversal(e) if n.is_Integer and n not in (0, 1, -1)]
    if nums:
        n = rng.choice(nums)
        out.append(("constant plus one", e.xreplace({n: n + 1})))
        n = rng.choice(nums)
        out.append(("constant times 2", e.xreplace({n: 2 * n})))
    muls = [m for m in sp.preorder_traversal(e) if isinstance(m, sp.Mul) and len(m.args) > 1]
    if muls:
        m = rng.choice(muls)
        k = rng.randrange(len(m.args))
        out.append(("drop a factor", e.xreplace({m: sp.Mul(*(m.args[:k] + m.args[k + 1:]))})))
    calls = [f for f in sp.preorder_traversal(e) if isinstance(f, (sigmoid, sp.tanh, sp.exp, sp.log))]
    if calls:
        f = rng.choice(calls)
        out.append(("double an argument", e.xreplace({f: f.func(2 * f.args[0])})))
    idx = sorted((i for i in e.atoms(sp.Indexed) if len(i.indices) >= 2 and i.indices[0] != i.indices[1]), key=str)
    if idx:
        i = rng.choice(idx)
        out.append(("swap two indices", e.xreplace({i: i.base[(i.indices[1], i.indices[0]) + i.indices[2:]]})))
    ones = [t for t in sp.preorder_traversal(e) if isinstance(t, sp.Add) and 1 in t.args and len(t.args) == 2]
    if ones:
        t = rng.choice(ones)
        out.append(("drop a 1", e.xreplace({t: sp.Add(*[a for a in t.args if a != 1])})))
    swapped = swap_layers(e, rng)
    if swapped is not None and swapped != e:
        out.append(("swap layer numbers", swapped))
    return out


def really_differ(a, b, domains: dict) -> bool:
    """Is the mutant really different? Evaluation at other random points than the checker's
    (another seed), each difference re-checked at 80 digits and, for small expressions, by
    SymPy's own evalf with the point substituted."""
    from ..engine.probe import probe

    try:
        return probe(a, b, domains, trials=6, seed=7919).counterexample is not None
    except (TypeError, ValueError, AttributeError, NotImplementedError):
        return False


@dataclass
class Tally:
    mutants: int = 0
    refuted: int = 0
    unknown: int = 0
    proved: list = field(default_factory=list)
    equivalent_skipped: int = 0
    unknowns: list = field(default_factory=list)
    by_operator: dict = field(default_factory=dict)
    seen: set = field(default_factory=set, repr=False)

    def count(self, label: str, op: str, mutant, status: str) -> None:
        self.mutants += 1
        key = op.removeprefix("entry: ")
        per = self.by_operator.setdefault(key, {"mutants": 0, "refuted": 0, "unknown": 0, "proved": 0})
        per["mutants"] += 1
        per[status] += 1
        if status == "proved":
            self.proved.append((label, op, str(mutant)[:200]))
        elif status == "refuted":
            self.refuted += 1
        else:
            self.unknown += 1
            self.unknowns.append((label, op, str(mutant)[:200]))


def _chains_only(lhs, rhs, assume, progress=None):
    """The certificate chains alone on ``lhs - rhs`` (no probe first): the name of the chain
    that reached zero, or None. A name for a non-equivalent mutant is a soundness bug that the
    probe would otherwise hide."""
    from ..engine.assumptions import parse_assumptions
    from ..engine.certificate import certify_pair
    from ..engine.equivalence import apply_domains, declared

    domains = parse_assumptions(assume)
    lhs, rhs, _ = apply_domains(lhs, rhs, domains)
    return certify_pair(lhs, rhs, indices=declared(domains, "index"),
                        orthogonal=declared(domains, "orthogonal"))


def decide_chains_only(lhs, rhs, assume, timeout: float):
    """A verdict-like status from the chains alone: "proved" (a chain reached 0) or "unknown"."""
    from ..engine.worker import run_bounded

    status, value, _ = run_bounded(_chains_only, (lhs, rhs, assume), {}, timeout)
    return "proved" if status == "done" and value is not None else "unknown"


def run(cases, rng: random.Random, timeout: float = 10.0, tally: Tally = None,
        chains_only: bool = False) -> Tally:
    """``cases``: ``(label, lhs, rhs, assume)`` true steps; mutate ``rhs`` and decide each mutant."""
    from ..engine.assumptions import parse_assumptions

    tally = tally or Tally()
    for label, lhs, rhs, assume in cases:
        domains = parse_assumptions(assume)
        for op, m in mutants(rhs, rng):
            if (label, m) in tally.seen:
                continue  # the same mutant drawn in an earlier round
            tally.seen.add((label, m))
            if m.has(sp.nan, sp.zoo) or not really_differ(lhs, m, domains):  # nan/zoo: not a statement
                tally.equivalent_skipped += 1
                continue
            if chains_only:
                tally.count(label, op, m, decide_chains_only(lhs, m, assume, timeout))
            else:
                tally.count(label, op, m, equal(lhs, m, assume=assume, timeout=timeout).status)
    return tally
