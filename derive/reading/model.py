"""The document model of one derivation: its symbol table, its definitions, its graph.

The grader walks the rows; this object answers what the rows mean: whether a row
introduces a name (a definition) or says something about names already known (a claim),
what a derivative written in the text means (through :class:`derive.reading.graph.Graph`),
and what every formula is once the defined quantities are unfolded. Every formula of the
file is read once, before any step is checked, so a derivative of an undefined loss knows
everything the text differentiates it against. It stands on the reader's document
structure (:mod:`.document`: displays, rows, formulas with their places).
"""
from __future__ import annotations

import re
from typing import Callable, Optional

import sympy as sp
from sympy.core.function import AppliedUndef

from .graph import Graph, Partial, is_name
from .symbols import SymbolTable

#: a number written with its decimals: ``0.7616``, ``-1.2068``, ``[-0.876]``
_DECIMAL = re.compile(r"^\s*(?:\\left)?[\[(]?\s*[-+]?\s*\d+\.(\d+)\s*(?:\\right)?[\])]?\s*$")


class DocumentModel:
    """What the rows of one document mean: its symbol table, its graph, its assumptions."""

    def __init__(self):
        self.table = SymbolTable()
        self.graph = Graph()
        self.assume: dict = {}
        self._cache: dict = {}
        self._parse: Optional[Callable] = None
        self._display: dict = {}  # defined name -> the display that defined it
        self._ranges: dict = {}   # unfolded formula -> index ranges its derivatives assumed
        self.unreadable: set = set()  # names the text defines in a row that could not be read
        self.heads: set = set()       # names at the start of a "name = ..." row
        self.display = None       # the display of the row being read
        self._sizes: dict = {}    # size symbol -> the one symbol of its class (see _shared_sizes)

    def start(self, assume: dict, functions, rows, parse: Callable) -> None:
        """Read every formula of the document once and note what is differentiated.

        ``rows`` are :class:`derive.reading.document.Row`; ``parse(chunk, line)`` reads one
        :class:`derive.reading.document.Chunk`."""
        self._parse = parse
        self.assume = {**self.table.assumptions(), **assume}
        self.graph.ranges = self.table.ranges()
        for name, entry in self.table.entries.items():
            if entry.kind == "vector" and entry.size:
                size = entry.size
                self.graph.sizes[sp.Symbol(name)] = (sp.Integer(int(size)) if size.isdigit()
                                                     else sp.Symbol(size, integer=True, positive=True))
        heads: dict = {}
        read = []
        for row in rows:
            if row.error is not None:
                continue
            parts = row.parts
            for _, chunk in parts:
                if chunk.text.strip():
                    e, _ = self.parse(chunk, row.line)
                    if isinstance(e, sp.Basic):
                        read.append(e)
        self._sizes = _shared_sizes(read)
        for e in read:
            self.graph.note_partials(self._sizes_of(e))
        for row in rows:
            if row.error is not None:
                continue
            parts = row.parts
            if len(parts) >= 2 and parts[1][0] in ("=", ":="):
                head, _ = self.parse(parts[0][1], row.line) if parts[0][1].text.strip() else (None, "")
                if is_name(head):
                    heads.setdefault(head, []).append((row, parts))
                    self.heads.add(head)
                    if self.parse(parts[1][1], row.line)[0] is None:
                        self.unreadable.add(head)  # "s = sigmoid(z)" that could not be read
        # a "where gamma = ..." row defines gamma for the whole display, even after its use
        for head, found in heads.items():
            row, parts = found[-1]
            if len(found) == 1 and len(parts) == 2 and re.match(r"\s*where\b", row.reason or "", re.I):
                value, _ = self.parse(parts[1][1], row.line)
                value = self._sizes_of(value)
                if isinstance(value, sp.Basic) and not value.has(head):
                    self.graph.define(head, value, row.line)
                    self._display[head] = getattr(row, "display", None)

    def _sizes_of(self, e):
        return e.xreplace(self._sizes) if self._sizes and isinstance(e, sp.Basic) else e

    def parse(self, chunk, line: int):
        key = (chunk.text, line)
        if key not in self._cache:
            self._cache[key] = self._parse(chunk, line)
        return self._cache[key]

    # --- definitions and claims --------------------------------------------------------------
    def known(self, e, row=None) -> bool:
        """Is ``e`` a name already defined *in this display* (any member of a defined family)?
        A name defined in an earlier display and written as ``name = ...`` at the start of a
        row of a later one is defined anew (it shadows, and the echo says so)."""
        display = getattr(row, "display", None)
        if isinstance(e, AppliedUndef):
            return e.func in self.graph.functions and self._display.get(e.func, display) == display
        d = self.graph.lookup(e)
        return d is not None and self._display.get(d.name, display) == display

    @staticmethod
    def definable(lhs, rhs) -> bool:
        if isinstance(lhs, Partial):
            return False  # a derivative on the left is a claim about known quantities
        return is_name(lhs) or isinstance(lhs, AppliedUndef) and all(isinstance(a, sp.Symbol) for a in lhs.args)

    def define(self, lhs, rhs, line: int) -> str:
        """Record ``lhs := rhs``; what the echo should add (a shadowed definition, an update)."""
        rhs = self.graph.resolve(self._sizes_of(rhs))
        if isinstance(lhs, AppliedUndef):
            self._display[lhs.func] = self.display
            return " (a new definition of this function)" if self.graph.define_function(lhs, rhs) else ""
        if rhs.has(lhs):
            return " (refers to itself: an update, not used as a definition)"
        old = self.graph.define(lhs, rhs, line)
        self._display[lhs] = self.display
        if old is not None and old.line != line:
            return f" (a new definition: shadows the one on line {old.line})"
        return ""

    def unfold(self, e):
        """The formula with every derivative given its meaning and every defined name unfolded."""
        if not isinstance(e, sp.Basic):
            return e
        before = len(self.graph.notes)
        out = self.graph.unfold(self.graph.resolve(self._sizes_of(e)))
        if len(self.graph.notes) > before:
            self._ranges[out] = self.graph.notes[before:]
        return out

    def ranges_used(self, *exprs) -> tuple:
        """"1 <= j <= n" for every free index a derivative took to be a valid index of its family."""
        seen = {}
        for e in exprs:
            for ix, lo, hi in self._ranges.get(e, ()):
                seen[f"{sp.latex(lo)} <= {ix} <= {sp.latex(hi)}"] = True
        return tuple(seen)

    def network(self, counterexample: Optional[dict]) -> str:
        """The counterexample as a network: every defined quantity computed from the leaves
        (and, when the loss is unknown, the loss it stands for)."""
        if not counterexample or not self.graph.defs:
            return ""
        from ..engine.traverse import free_of

        values = {}
        for key, text in counterexample.items():
            try:
                values[key] = sp.Rational(text)
            except (TypeError, ValueError):
                return ""
        out = []
        for d in self.graph.defs:
            name = d.name
            if isinstance(name, sp.Indexed):
                bind = {ix: values[str(ix)] for ix in name.indices if isinstance(ix, sp.Symbol) and str(ix) in values}
                name = name.xreplace(bind)
                if any(sp.sympify(ix).free_symbols for ix in name.indices):
                    continue
            try:
                value = self.graph.unfold(name)
                point = {t: values[str(t)] for t in free_of(value) if str(t) in values}
                value = value.xreplace(point)
                if value.free_symbols or not value.is_number:
                    continue
                out.append(f"{sp.latex(name)} = {sp.N(value, 6)}")
            except (TypeError, ValueError, ZeroDivisionError):
                continue
        if any(k.startswith("\\frac{\\partial") for k in counterexample) and self.graph.against:
            out.append("the unknown loss: the linear function with the partials given")
        return ("network: " + ", ".join(out)) if out else ""

    def unrelated_partials(self, *exprs) -> bool:
        """Do the formulas hold two derivatives of one quantity that the graph could not relate?
        Then they are independent numbers only in appearance, and a "counterexample" that gives
        them unrelated values is no network at all."""
        targets: dict = {}
        for e in exprs:
            if not isinstance(e, sp.Basic):
                continue
            for x in e.free_symbols:
                got = self.graph.opaque_made.get(x)
                if got is not None:
                    targets.setdefault(got[0], set()).add(got[1])
        # a derivative of a name the text defines in a row that did not become a definition (it
        # could not be read, or it was read as something else) means what that row says
        unread = self.unreadable | {h for h in self.heads if not self.graph.is_known(h)}
        # a derivative the chain rule made for a dependence the text never writes (d y / d x of
        # an undefined y in d(y^8)/dx): its value decides the claim only if y depends on x
        return any(len(v) > 1 or t in unread for t, v in targets.items()) or any(
            isinstance(e, sp.Basic) and e.free_symbols & (self.unreadable | self.graph.unwritten) for e in exprs)

    def assume_for(self, assume: dict, *exprs) -> dict:
        return assume

    @staticmethod
    def decimals(chunk: str) -> Optional[int]:
        """How many decimals a bare written number states (None when the side is not one)."""
        m = _DECIMAL.match(chunk.replace("\\,", "").replace("\\!", ""))
        return len(m.group(1)) if m else None


def _shared_sizes(exprs) -> dict:
    """One size for every sum over one family. The reader names the range of an unbounded
    ``\\sum_k`` after one family its index subscripts (``N_{w^(l+1),1}``); another sum over the
    same family may have been named after another family it pairs with (``N_{z^(l+1)}``). The
    families a sum's index subscripts have one size, so the sizes are joined across the
    document (union-find) and each replaced by one symbol of its class."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a, b):
        ra, rb = find(a), find(b)
        if ra != rb:    # a size symbol is the root of its class (the first by name)
            order = sorted((ra, rb), key=lambda x: (not isinstance(x, sp.Symbol), str(x)))
            parent[order[1]] = order[0]

    sizes, written = set(), {}
    for e in exprs:
        for s in e.atoms(sp.Sum):
            for lim in s.limits:
                if len(lim) != 3:
                    continue
                v, lo, hi = lim
                keys = {(str(x.base.label), pos) for x in s.function.atoms(sp.Indexed)
                        for pos, ix in enumerate(x.indices) if ix == v}
                if isinstance(hi, sp.Symbol) and hi.name.startswith("N_") and hi.is_integer:
                    sizes.add(hi)
                    for key in keys:
                        union(hi, key)
                elif lo == 1 and len(keys) == 1 and isinstance(hi, (sp.Symbol, sp.Integer)):
                    # the author's \sum_{k=1}^{q} o_k: the family o has q entries (noted, never joined
                    # with another written bound)
                    written.setdefault(next(iter(keys)), set()).add(hi)
    out = {}
    for x in sizes:
        root = find(x)
        bounds = set().union(*(b for key, b in written.items() if find(key) == root)) if written else set()
        if len(bounds) == 1:
            out[x] = next(iter(bounds))       # the class's one written size
        elif not bounds and root != x:
            out[x] = root
    return out
