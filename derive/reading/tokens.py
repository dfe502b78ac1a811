"""LaTeX into tokens, each with its place in the source: the first step of reading.

A token is a command (``\\frac``, ``\\,``, ``\\\\``), a single character (letters and digits
one at a time, as TeX reads them: ``\\frac12`` has the arguments ``1`` and ``2``), a brace,
a run of spaces, or a math shift (``$``/``$$``). Comments are dropped. The few Unicode
symbols people paste from other tools (``σ ∂ · − ×``) become their commands here, with the
position of the character they came from. Nothing is rewritten as text: later layers work
on these tokens and on the tree built from them.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..errors import LatexParseError

#: Unicode characters read as the command a LaTeX author would have typed
UNICODE = {"σ": "\\sigma", "∂": "\\partial", "·": "\\cdot", "−": "-", "×": "\\times", "α": "\\alpha",
           "β": "\\beta", "γ": "\\gamma", "δ": "\\delta", "η": "\\eta", "θ": "\\theta", "λ": "\\lambda",
           "μ": "\\mu", "π": "\\pi", "ε": "\\epsilon", "∇": "\\nabla", "≤": "\\leq", "≥": "\\geq", "≠": "\\neq",
           "≈": "\\approx", "∑": "\\sum", "∏": "\\prod", "∞": "\\infty", "⊙": "\\odot", "→": "\\to",
           "⇒": "\\Rightarrow", "⟹": "\\implies", "⇔": "\\iff", "′": "'", "ℓ": "\\ell", "ϕ": "\\phi",
           "φ": "\\varphi", "ψ": "\\psi", "ω": "\\omega", "τ": "\\tau", "ρ": "\\rho", "ξ": "\\xi"}


@dataclass(frozen=True)
class Token:
    """``kind`` is one of cmd, char, open, close, space, shift; ``pos`` an offset in the source."""

    kind: str
    text: str
    pos: int
    size: int = 1  # characters of the source it was read from

    @property
    def name(self) -> str:
        """A command's name without the backslash (``frac``); a character itself."""
        return self.text[1:] if self.kind == "cmd" else self.text


class Source:
    """The text being read and where its lines start, so every offset has a line and column."""

    def __init__(self, text: str, file: str | None = None, line_offset: int = 0, positions=None):
        self.text, self.file = text, file
        self.starts = [0] + [n + 1 for n, ch in enumerate(text) if ch == "\n"]
        self.line_offset = line_offset
        #: for a formula cut out of a file: the (line, column) in that file of each character
        self.positions = positions

    def where(self, pos: int) -> tuple[int, int]:
        """(line, column), both from 1, of an offset."""
        if self.positions:
            pos = min(max(pos, 0), len(self.positions) - 1)
            return tuple(self.positions[pos])
        n = bisect.bisect_right(self.starts, pos) - 1
        return n + 1 + self.line_offset, pos - self.starts[n] + 1

    def error(self, message: str, pos: int) -> LatexParseError:
        line, col = self.where(pos)
        start = self.starts[bisect.bisect_right(self.starts, max(pos, 0)) - 1] if not self.positions else 0
        end = self.text.find("\n", start)
        snippet = self.text[start:end if end >= 0 else len(self.text)]
        caret = max(pos, 0) - start + 1
        return LatexParseError(message, file=self.file, line=line, column=col, snippet=snippet[:200], caret=caret)


def tokenize(src: Source) -> list[Token]:
    """Every token of ``src`` in order; control characters and stray ``\\`` at the end refused."""
    text, out, n = src.text, [], 0
    size = len(text)
    while n < size:
        ch = text[n]
        if ch == "\\":
            if n + 1 >= size:
                raise src.error("a '\\' at the end", n)
            nxt = text[n + 1]
            if nxt.isalpha() and nxt.isascii():
                m = n + 1
                while m < size and text[m].isalpha() and text[m].isascii():
                    m += 1
                out.append(Token("cmd", text[n:m], n, m - n))
                n = m
            elif nxt in " \t\r\n":
                out.append(Token("cmd", "\\ ", n, 2))      # a control space
                n += 2
            else:
                out.append(Token("cmd", text[n:n + 2], n, 2))
                n += 2
        elif ch == "%":
            while n < size and text[n] != "\n":
                n += 1
        elif ch in " \t\r\n":
            m = n
            while m < size and text[m] in " \t\r\n":
                m += 1
            out.append(Token("space", text[n:m], n, m - n))
            n = m
        elif ch == "{":
            out.append(Token("open", ch, n))
            n += 1
        elif ch == "}":
            out.append(Token("close", ch, n))
            n += 1
        elif ch == "$":
            if text.startswith("$$", n):
                out.append(Token("shift", "$$", n, 2))
                n += 2
            else:
                out.append(Token("shift", "$", n))
                n += 1
        elif ord(ch) < 32:
            raise src.error("a control character", n)
        elif ch in UNICODE:
            rep = UNICODE[ch]
            out.append(Token("cmd" if rep.startswith("\\") else "char", rep, n))
            n += 1
        else:
            out.append(Token("char", ch, n))
            n += 1
    return out
