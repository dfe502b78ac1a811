"""The symbol table of one document: what kind of thing every name is.

A name is a scalar, an index (ranging over a size), a size, a vector or matrix (with its
shape), a function, or a constant. The kinds come from the ``% derive:`` header
(``index j in 1..M; size M; vector x (D); matrix W (M x D); function g; constant c``),
from the notation (``\\sum_{k=1}^{K} a_k`` makes ``K`` the size of the family ``a``;
``w^{(2)}`` is a member of the layer family ``w``) and from use. Header names are written
as in the text (``w^{(2)}``, ``x_i``, ``w_1``) and are turned here into the names the
reader gives the symbols, so an assumption on ``x_i`` reaches every entry ``x_1, x_j``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

KINDS = ("scalar", "index", "size", "vector", "matrix", "function", "constant", "given")

_NAME = r"\\?[A-Za-z]+(?:\^\{?\(\s*[A-Za-z0-9+-]+\s*\)\}?)?(?:_\{?[A-Za-z0-9,]+\}?)?"


def canonical_name(written: str) -> str:
    """The reader's name for a header name (one rule, :func:`derive.reading.notation.name_key`):
    ``w^{(2)}`` -> ``w^(2)``; ``x_i`` -> ``x`` (the family: an assumption on ``x_i`` is one on
    every entry); ``w_1`` -> the entry ``w[1]``; ``\\lambda`` -> ``lambda``."""
    from ..errors import LatexParseError
    from .notation import name_key

    try:
        return name_key(written)
    except LatexParseError:
        return written.strip().lstrip("\\")


@dataclass
class Entry:
    name: str
    kind: str
    size: Optional[str] = None          # an index's size, a vector's length
    shape: Optional[tuple] = None       # a matrix's (rows, columns)
    lo: Optional[str] = None            # an index's first value
    line: int = 0


@dataclass
class SymbolTable:
    entries: dict = field(default_factory=dict)

    def add(self, entry: Entry) -> None:
        self.entries[entry.name] = entry

    def kind(self, name: str) -> Optional[str]:
        e = self.entries.get(name)
        return e.kind if e else None

    def names(self, kind: str) -> list:
        return [n for n, e in self.entries.items() if e.kind == kind]

    def ranges(self) -> dict:
        """index name -> (lo, hi) as SymPy integers/symbols, for the graph."""
        import sympy as sp

        out = {}
        for e in self.entries.values():
            if e.kind == "index" and e.size is not None:
                hi = sp.Integer(int(e.size)) if e.size.isdigit() else sp.Symbol(e.size, integer=True, positive=True)
                lo = sp.Integer(int(e.lo or "1"))
                out[e.name] = (lo, hi)
        return out

    def assumptions(self) -> dict:
        """What the kinds imply for the checker: sizes are positive integers, indices valid."""
        out = {}
        for e in self.entries.values():
            if e.kind == "size":
                out[e.name] = "positive integer"
            elif e.kind == "index":
                out[e.name] = "index"
        return out

    def read(self, part: str, line: int = 0) -> Optional[str]:
        """One header directive; None when it is not a symbol-table directive, else an error
        message ('' when read)."""
        words = part.split()
        if not words or words[0] not in ("index", "indices", "size", "sizes", "vector", "matrix", "constant",
                                         "constants", "scalar", "scalars"):
            return None
        head, rest = words[0], part[len(words[0]):].strip()
        if head in ("index", "indices"):
            m = re.fullmatch(r"([A-Za-z](?:\s*,\s*[A-Za-z])*)\s+in\s+(\d+)\s*\.\.\s*([A-Za-z]\w*|\d+)", rest)
            if not m:
                return "write an index as 'index j in 1..M'"
            for name in re.split(r"\s*,\s*", m.group(1)):
                self.add(Entry(name, "index", size=m.group(3), lo=m.group(2), line=line))
            if not m.group(3).isdigit():
                self.entries.setdefault(m.group(3), Entry(m.group(3), "size", line=line))
            return ""
        if head in ("size", "sizes", "constant", "constants", "scalar", "scalars"):
            names = [w for w in re.split(r"[\s,]+", rest) if w]
            if not names or not all(re.fullmatch(r"\\?[A-Za-z]\w*", n) for n in names):
                return f"write '{head} NAME[, NAME]'"
            kind = head.rstrip("s") if head != "sizes" else "size"
            for n in names:
                self.add(Entry(n.lstrip("\\"), kind, line=line))
            return ""
        m = re.fullmatch(r"(%s)\s*\(\s*([A-Za-z0-9]+)(?:\s*(?:x|\\times|×)\s*([A-Za-z0-9]+))?\s*\)" % _NAME, rest)
        if not m:
            return f"write '{head} NAME (SIZE)'" if head == "vector" else "write 'matrix NAME (ROWS x COLUMNS)'"
        name = canonical_name(m.group(1))
        if head == "vector":
            if m.group(3):
                return "a vector has one size: 'vector x (D)'"
            self.add(Entry(name, "vector", size=m.group(2), line=line))
        else:
            if not m.group(3):
                return "a matrix has two sizes: 'matrix W (M x D)'"
            self.add(Entry(name, "matrix", shape=(m.group(2), m.group(3)), line=line))
        for s in filter(None, (m.group(2), m.group(3))):
            if not s.isdigit():
                self.entries.setdefault(s, Entry(s, "size", line=line))
        return ""
