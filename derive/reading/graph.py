"""Definitions, claims and Leibniz derivatives: a derivation as calculus on a computational graph.

A person's derivation names quantities (``z_j = \\sum_i w_{ji} x_i``, ``a_j = \\sigma(z_j)``) and
then differentiates them: ``\\frac{\\partial a_k}{\\partial z_j}`` means the derivative of ``a_k``'s
definition, through the graph, with respect to ``z_j`` holding ``z_j``'s independent siblings
fixed — what back-propagation computes. This module keeps the graph of defined quantities (a
definition of ``z_k`` is one for every member ``z_j``, ``z_1`` of the family) and turns every
:class:`Partial` the reader produced into that derivative.

An undefined top quantity (``L``, ``J``, ``E``) that the text differentiates is an unknown
smooth function of the network's outputs: the sinks of the graph below the quantities it is
differentiated against. Its first partials at the one state a step talks about are
arbitrary numbers (any values are the gradient of the linear function with those
coefficients), so ``L`` is modelled as ``sum_t G_t t`` with fresh real ``G_t``: a step proved
for every ``G`` holds for every smooth ``L``, and a counterexample is a real network with a
concrete ``L``. Anything else (a second derivative of ``L``, ``L`` at two points) is left as an
opaque quantity, as before.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Optional

import sympy as sp
from sympy.core.function import AppliedUndef

from ..engine.traverse import free_of, substitute


class Partial(sp.Function):
    """``\\frac{\\partial A}{\\partial B}`` as written, before the graph gives it a meaning."""

    nargs = 2

    @classmethod
    def eval(cls, target, var):
        return None

    def _latex(self, printer):
        t, v = (printer._print(a) for a in self.args)
        return r"\frac{\partial %s}{\partial %s}" % (t, v)


def opaque(p: Partial):
    """The pre-graph reading of a derivative: a quantity of its own (the target is unknown)."""
    target, var = p.args
    if target == var:
        return sp.Integer(1)
    if isinstance(var, (sp.Symbol, sp.Indexed)):
        # a name even for an expression: an unknown number, never a Derivative that evaluates to 0
        return sp.Symbol(f"\\frac{{\\partial {sp.latex(target)}}}{{\\partial {sp.latex(var)}}}", real=True)
    return sp.Derivative(target, var)


def is_name(e) -> bool:
    return isinstance(e, (sp.Symbol, sp.Indexed))


def may_be(t, var) -> bool:
    """Can the name ``t`` be the name ``var`` for some values of the indices?"""
    if t == var:
        return True
    if not (isinstance(t, sp.Indexed) and isinstance(var, sp.Indexed)) or t.base.label != var.base.label:
        return False
    if len(t.indices) != len(var.indices):
        return False
    return all(a == b or not (sp.sympify(a).is_number and sp.sympify(b).is_number)
               for a, b in zip(t.indices, var.indices))


def family(e):
    """The family a name belongs to: ``z`` for ``z_j`` and ``z_1``; the symbol itself otherwise."""
    return e.base.label if isinstance(e, sp.Indexed) else e


@dataclass
class Definition:
    name: object          # Symbol or Indexed as written (z[k])
    value: object
    line: int = 0

    @property
    def pattern(self):
        return self.name.indices if isinstance(self.name, sp.Indexed) else ()

    def match(self, term) -> Optional[dict]:
        """Index bindings under which ``term`` is an instance of this definition's name."""
        if term == self.name:
            return {}
        if not (isinstance(term, sp.Indexed) and isinstance(self.name, sp.Indexed)):
            return None
        if term.base.label != self.name.base.label or len(term.indices) != len(self.pattern):
            return None
        binding: dict = {}
        for pat, got in zip(self.pattern, term.indices):
            if isinstance(pat, sp.Symbol):
                if binding.setdefault(pat, got) != got:
                    return None
            elif pat != got:
                return None
        return binding

    def instance(self, term):
        binding = self.match(term)
        if binding is None:
            return None
        value = self.value
        if binding:
            value = _rename_bound(value, set().union(*(sp.sympify(v).free_symbols for v in binding.values())))
            value = value.xreplace(binding) if not value.has(sp.Subs) else substitute(value, binding)
        return value


_FRESH = itertools.count()


def _rename_bound(expr, avoid: set):
    """Rename the bound variables of sums that would capture ``avoid`` (alpha-conversion)."""
    def fix(s):
        new_limits, mapping = [], {}
        for lim in s.limits:
            v = lim[0]
            if v in avoid:
                nv = sp.Symbol(f"{v.name}{next(_FRESH)}'", **v.assumptions0)
                mapping[v] = nv
                new_limits.append((nv,) + tuple(lim[1:]))
            else:
                new_limits.append(lim)
        if not mapping:
            return s
        return type(s)(s.function.xreplace(mapping), *new_limits)

    return expr.replace(lambda e: isinstance(e, (sp.Sum, sp.Product)), fix) if expr.has(sp.Sum, sp.Product) else expr


class Graph:
    """The defined quantities of one document and what the text differentiates."""

    def __init__(self, sizes: Optional[dict] = None, ranges: Optional[dict] = None):
        self.defs: list[Definition] = []
        #: undefined quantity (a Symbol) -> the names it is differentiated against in the text
        self.against: dict = {}
        #: family (Symbol label) -> its size, from the header or from sum bounds
        self.sizes: dict = dict(sizes or {})
        #: index symbol name -> (lo, hi) it ranges over (from the header)
        self.ranges: dict = dict(ranges or {})
        self.notes: list = []
        #: opaque symbols made for derivatives the graph could not give a meaning: symbol -> (A, B)
        self.opaque_made: dict = {}
        #: functions defined in the text (``g(x) = \\tanh x``): class -> Lambda
        self.functions: dict = {}
        #: (family of A, family of B) for every dA/dB the text writes: the dependence it states
        self.written: set = set()
        #: opaque derivatives of a name by a variable the text never differentiates it against
        #: (made by the chain rule through unknown dependence): a proof holds whatever their
        #: value, a counterexample resting on them describes a dependence the text does not state
        self.unwritten: set = set()

    # --- definitions ---------------------------------------------------------------------------
    def lookup(self, term) -> Optional[Definition]:
        """The most specific definition ``term`` is an instance of (the latest if equally so)."""
        best, score = None, -1
        for d in self.defs:
            b = d.match(term)
            if b is None:
                continue
            s = 1000 if term == d.name else sum(1 for p in d.pattern if not isinstance(p, sp.Symbol))
            if s >= score:
                best, score = d, s
        return best

    def is_known(self, term) -> bool:
        return self.lookup(term) is not None

    def define(self, name, value, line: int = 0) -> Optional[Definition]:
        """Add ``name := value``; returns the definition it shadows, if any."""
        old = self.lookup(name)
        if old is not None and old.name == name or old is not None and old.match(name) is not None \
                and len(old.pattern) == len(getattr(name, "indices", ())) and all(
                    isinstance(p, sp.Symbol) for p in getattr(name, "indices", ())):
            self.defs = [d for d in self.defs if d is not old]
        else:
            old = None
        self.defs.append(Definition(name, value, line))
        return old

    def as_dict(self) -> dict:
        return {d.name: d.value for d in self.defs}

    # --- unfolding -----------------------------------------------------------------------------
    def define_function(self, call, value) -> bool:
        """``g(x) = \\tanh x``: ``g`` is that function everywhere (``g'(x)``, ``g(2)``)."""
        args = call.args
        if not all(isinstance(a, sp.Symbol) for a in args) or len(set(args)) != len(args):
            return False
        shadowed = call.func in self.functions
        self.functions[call.func] = sp.Lambda(args, value)
        return shadowed

    def apply_functions(self, expr):
        if not self.functions or not any(expr.has(f) for f in self.functions):
            return expr
        for _ in range(4):
            new = expr.replace(lambda e: isinstance(e, AppliedUndef) and e.func in self.functions,
                               lambda e: self.functions[e.func](*e.args))
            if new == expr:
                break
            expr = new
        # g'(z) was Subs(Derivative(g(t), t), t, z): now of a known body, so compute it
        return expr.replace(lambda e: isinstance(e, (sp.Subs, sp.Derivative)) and not e.has(AppliedUndef),
                            lambda e: e.doit())

    def unfold(self, expr, stop=None, depth: int = 12):
        """Every defined name replaced by its definition, except the names that may be ``stop``
        (``z_k`` may be ``z_j``; ``h_1`` is not ``h_3``)."""
        expr = self.apply_functions(expr)
        for _ in range(depth):
            mapping = {}
            for t in free_of(expr):
                if not is_name(t) or stop is not None and may_be(t, stop):
                    continue
                d = self.lookup(t)
                if d is None:
                    continue
                value = d.instance(t)
                if value is not None and value != t:
                    mapping[t] = value
            if not mapping:
                return expr
            expr = self.apply_functions(substitute(expr, mapping))
        return expr

    def depends(self, a_family, b_family, _seen=None) -> bool:
        """Does any definition of the family ``a`` use the family ``b`` (transitively)?"""
        seen = _seen if _seen is not None else set()
        if a_family in seen:
            return False
        seen.add(a_family)
        for d in self.defs:
            if family(d.name) != a_family:
                continue
            fams = {family(t) for t in free_of(d.value) if is_name(t)}
            if b_family in fams or any(self.depends(f, b_family, seen) for f in fams if f != a_family):
                return True
        return False

    # --- the unknown top quantity ----------------------------------------------------------------
    def note_partials(self, expr) -> None:
        """Record what each undefined quantity is differentiated against (a pre-pass)."""
        for p in expr.atoms(Partial):
            target, var = p.args
            if is_name(target) and is_name(var):
                self.written.add((family(target), family(var)))
            if isinstance(target, sp.Symbol) and is_name(var):
                self.against.setdefault(target, set()).add(family(var))
            self.note_sizes(p)
        self.note_sizes(expr)

    def note_sizes(self, expr) -> None:
        """A sum ``\\sum_{k=1}^{K} ... a_k ...`` gives the family ``a`` the size ``K``."""
        for s in expr.atoms(sp.Sum):
            for lim in s.limits:
                if len(lim) != 3 or lim[1] != 1:
                    continue
                k, _, hi = lim
                for t in s.function.atoms(sp.Indexed):
                    if len(t.indices) == 1 and t.indices[0] == k:
                        self.sizes.setdefault(t.base.label, hi)

    def tops(self, unknown) -> list:
        """The outputs the unknown quantity is a function of: the sinks of the defined graph
        at or below what the text differentiates it against."""
        start = set(self.against.get(unknown, ()))
        defined = {family(d.name) for d in self.defs}
        ends = {f for f in start if not any(g != f and self.depends(g, f) for g in start)}
        down = set(ends) | {f for f in defined if any(self.depends(f, s) for s in ends)}
        return sorted((f for f in down if not any(g != f and self.depends(g, f) for g in down)), key=str)

    def _model(self, unknown):
        """``L`` as ``sum_t G_t t`` over its tops, or None when that is not sound or not possible."""
        tops = self.tops(unknown)
        defined = {family(d.name) for d in self.defs}
        if not tops or not any(t in defined for t in tops):
            return None  # differentiated only against leaves: the opaque reading says as much
        terms = []
        for t in tops:
            indexed = [d.name for d in self.defs if family(d.name) == t and isinstance(d.name, sp.Indexed)]
            arity = {len(n.indices) for n in indexed}
            gname = f"\\frac{{\\partial {sp.latex(unknown)}}}{{\\partial {sp.latex(t)}}}"
            if not indexed:
                if t not in defined and any(isinstance(x, sp.Indexed) and x.base.label == t for d in self.defs
                                            for x in free_of(d.value)):
                    return None  # a family used only through entries, of unknown size
                terms.append(sp.Symbol(gname, real=True) * t)
                continue
            if arity != {1}:
                return None
            size = self.sizes.get(t)
            if size is None:  # a generic size: proved for every size, refuted at one
                size = self.sizes.setdefault(t, sp.Symbol(f"n_{{{sp.latex(t)}}}", integer=True, positive=True))
            k = sp.Symbol(f"k{next(_FRESH)}'", integer=True)
            base = indexed[0].base
            terms.append(sp.Sum(sp.IndexedBase(gname, real=True)[k] * base[k], (k, 1, size)))
        return sp.Add(*terms)

    # --- Leibniz derivatives -------------------------------------------------------------------
    def derivative(self, target, var):
        """``\\partial target / \\partial var`` through the graph, or None (left opaque)."""
        if not is_name(var):
            return None
        stop = var
        if isinstance(target, sp.Symbol) and self.lookup(target) is None:
            # df/dx for a function defined in the text, f(x) = ...: its body at its own parameters
            fn = next((lam for f, lam in self.functions.items() if str(f) == target.name), None)
            if fn is not None and var in fn.variables:
                target = fn.expr
        if isinstance(target, sp.Symbol) and self.lookup(target) is None and target in self.against:
            model = self._model(target)
            if model is None:
                return None
            fam = family(var)
            if not any(t == fam or self.depends(t, fam) for t in self.tops(target)):
                return None  # not upstream of the outputs: the model says nothing about it
            body = model
        elif target.atoms(Partial):
            return None
        else:
            unknown = [s for s in target.free_symbols if s in self.against and self.lookup(s) is None
                       and s != var]   # d(v^2)/dv: v itself is no unknown dependence
            if unknown:
                body = self.unfold(target, stop)
                if not _appears(var, body):
                    return self.through_names(body, var)  # ln y: through y, as dy/dw is read
                return None  # the unknown quantity inside an expression: not modelled
            body = target
        body = self.unfold(body, stop)
        if not _appears(var, body):
            return self.through_names(body, var)
        if var.free_symbols & _bound_symbols(body):
            body = _rename_bound(body, var.free_symbols)
        d = _point_derivatives(sp.diff(body, var))
        d = self.collapse(d, var)
        return self.unfold(d)

    def through_names(self, body, var):
        """``var`` does not appear in ``body`` even through the definitions: a name of ``body``
        that the text does not define may depend on ``var`` in a way it does not say, so the
        derivative is the chain rule through an unknown derivative of each such name, never 0.
        With names bound inside a sum it is left opaque (None)."""
        names, problem = dependence_names(body)
        if problem:
            return None
        names = [u for u in names if self.lookup(u) is None]
        if not names:
            return sp.Integer(0)      # only defined quantities, none of them using var: a constant
        if names == [body]:
            return None                     # the name itself, undefined: an unknown derivative
        # the total derivative: every name an unknown function of var (0 is one of its values, so
        # a step proved here holds whichever names depend on var, and a refutation is a real case)
        total = sp.Integer(0)
        for u in names:
            du = self.resolve(Partial(u, var))
            if isinstance(du, sp.Symbol) and (family(u), family(var)) not in self.written:
                self.unwritten.add(du)
            total += sp.diff(body, u) * du
        return total

    def collapse(self, expr, var):
        """``sum_k f(k) delta(j, k)`` over the family's range is ``f(j)`` when ``j`` indexes that
        family (the derivative with respect to ``a_j`` only exists for a valid ``j``)."""
        ranges = dict(self._ranges_of(var))
        own = {ix for ix in getattr(var, "indices", ()) if isinstance(ix, sp.Symbol)}

        def fix(s):
            if len(s.limits) != 1 or len(s.limits[0]) != 3:
                return s
            k, lo, hi = s.limits[0]
            for dl in s.function.atoms(sp.KroneckerDelta):
                other = dl.args[1] if dl.args[0] == k else dl.args[0] if dl.args[1] == k else None
                if other is None or other.has(k):
                    continue
                # an index of the entry differentiated against is a valid index of the family
                # whose sum pairs with it (an entry nobody uses has no gradient to claim)
                if ranges.get(other) == (lo, hi) or other in own and other not in ranges:
                    self.notes.append((other, lo, hi))
                    return s.function.xreplace({k: other}).xreplace({dl.xreplace({k: other}): 1}).subs(
                        sp.KroneckerDelta(other, other), 1)
            return s

        if not expr.has(sp.Sum):
            return expr
        out = expr.replace(lambda e: isinstance(e, sp.Sum), fix)
        return out

    def _ranges_of(self, var):
        out = {}
        for name, rng in self.ranges.items():
            out[sp.Symbol(name, real=True)] = rng
            out[sp.Symbol(name, integer=True)] = rng
        if isinstance(var, sp.Indexed) and len(var.indices) == 1:
            size = self.sizes.get(var.base.label)
            if size is not None and isinstance(var.indices[0], sp.Symbol):
                out[var.indices[0]] = (sp.Integer(1), size)
        return out

    def resolve(self, expr):
        """Every :class:`Partial` given its meaning in the graph (innermost first)."""
        if not isinstance(expr, sp.Basic) or not expr.has(Partial):
            return expr
        for _ in range(8):
            found = [p for p in expr.atoms(Partial) if not p.args[0].has(Partial) and not p.args[1].has(Partial)]
            if not found:
                break
            mapping = {}
            for p in found:
                try:
                    value = self.derivative(*p.args)
                except (TypeError, ValueError, NotImplementedError, AttributeError):
                    value = None
                if value is None:
                    value = opaque(p)
                    if isinstance(value, sp.Symbol):
                        self.opaque_made[value] = p.args
                mapping[p] = value
            expr = substitute(expr, mapping)
        if expr.has(Partial):
            expr = expr.replace(lambda e: isinstance(e, Partial), lambda e: opaque(e))
        return expr


def _point_derivatives(expr):
    """``Derivative(g(z_j), z_j)`` as ``g'`` at the point ``z_j`` (``Subs``), so that unfolding
    ``z_j`` afterwards gives the derivative at its value, not a derivative by an expression."""
    def fix(d):
        if all(isinstance(v, sp.Symbol) and not isinstance(v, sp.Indexed) for v in d.variables) and \
                not any(isinstance(v, sp.Indexed) for v in d.variables):
            return d
        mapping, point = {}, []
        for v in dict.fromkeys(d.variables):
            t = sp.Dummy("t", real=True)
            mapping[v] = t
            point.append(v)
        inner = sp.Derivative(d.expr.xreplace(mapping), *[(mapping[v], n) for v, n in d.variable_count])
        return sp.Subs(inner, tuple(mapping.values()), tuple(point))

    if not expr.has(sp.Derivative):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Derivative), fix)


def _bound_symbols(expr) -> set:
    out = set()
    for s in expr.atoms(sp.Sum, sp.Product):
        out |= {lim[0] for lim in s.limits}
    return out


def _appears(var, expr) -> bool:
    """Is ``var`` a variable of ``expr``? An entry ``w_{jk}`` is, wherever another entry of ``w`` is."""
    if isinstance(var, sp.Indexed):
        return any(x.base == var.base for x in expr.atoms(sp.Indexed))
    return var in expr.free_symbols


def dependence_names(target) -> tuple:
    """``(names, problem)``: the names of ``target`` a derivative may reach through unknown
    dependence (``\\nabla_w \\ln y`` reaches ``y``). Indices, sizes, sum bounds and family labels
    are not quantities; a name bound inside a sum (``\\sum_i y_i``) is a problem: which of its
    terms depend on the variable is not written."""
    indexed = set(target.atoms(sp.Indexed))
    free = target.free_symbols
    if any(not set().union(*(sp.sympify(ix).free_symbols for ix in x.indices)) <= free for x in indexed):
        return [], "a derivative of a sum whose terms are not written in terms of the variable"
    index_syms = set()
    for x in indexed:
        for ix in x.indices:
            index_syms |= sp.sympify(ix).free_symbols
    for kd in target.atoms(sp.KroneckerDelta):
        index_syms |= kd.free_symbols
    labels = {x.base.label for x in indexed}
    for big in target.atoms(sp.Sum, sp.Product):     # sizes and bounds are not quantities of the graph
        for lim in big.limits:
            labels |= set().union(*(sp.sympify(b).free_symbols for b in lim[1:]))
    names = sorted(indexed | {x for x in free if isinstance(x, sp.Symbol) and x not in index_syms
                              and x not in labels and not x.is_integer}, key=str)
    return [u for u in names if sp.diff(target, u) != 0], ""
