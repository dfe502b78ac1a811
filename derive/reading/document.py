"""The document model of one derivation: its symbol table, its definitions, its graph.

The grader walks the rows; this object answers what the rows mean: whether a row
introduces a name (a definition) or says something about names already known (a claim),
what a derivative written in the text means (through :class:`derive.reading.graph.Graph`),
and what every formula is once the defined quantities are unfolded. Every formula of the
file is read once, before any step is checked, so a derivative of an undefined loss knows
everything the text differentiates it against.
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


class Document:
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

    def start(self, assume: dict, functions, rows, parse: Callable) -> None:
        """Read every formula of the document once and note what is differentiated."""
        from .parse import split_relations

        self._parse = parse
        self.assume = {**self.table.assumptions(), **assume}
        self.graph.ranges = self.table.ranges()
        for name, entry in self.table.entries.items():
            if entry.kind == "vector" and entry.size:
                size = entry.size
                self.graph.sizes[sp.Symbol(name)] = (sp.Integer(int(size)) if size.isdigit()
                                                     else sp.Symbol(size, integer=True, positive=True))
        heads: dict = {}
        for row in rows:
            parts = split_relations(row.text)
            for _, chunk in parts:
                if chunk.strip():
                    e, _ = self.parse(chunk, row.line)
                    if isinstance(e, sp.Basic):
                        self.graph.note_partials(e)
            if len(parts) >= 2 and parts[1][0] in ("=", ":="):
                head, _ = self.parse(parts[0][1], row.line) if parts[0][1].strip() else (None, "")
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
                if isinstance(value, sp.Basic) and not value.has(head):
                    self.graph.define(head, value, row.line)
                    self._display[head] = getattr(row, "display", None)

    def parse(self, chunk: str, line: int):
        key = (chunk, line)
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
        rhs = self.graph.resolve(rhs)
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
        out = self.graph.unfold(self.graph.resolve(e))
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
        return any(len(v) > 1 or t in unread for t, v in targets.items()) or any(
            isinstance(e, sp.Basic) and e.free_symbols & self.unreadable for e in exprs)

    def assume_for(self, assume: dict, *exprs) -> dict:
        return assume

    @staticmethod
    def decimals(chunk: str) -> Optional[int]:
        """How many decimals a bare written number states (None when the side is not one)."""
        m = _DECIMAL.match(chunk.replace("\\,", "").replace("\\!", ""))
        return len(m.group(1)) if m else None
