"""The exceptions of derive: one base, and a parse error that knows where it happened."""
from __future__ import annotations


class DeriveError(Exception):
    """Base of every error derive raises on bad input (misuse of the API raises TypeError/ValueError)."""


class LatexParseError(DeriveError):
    """LaTeX that could not be read, with the place: file, line, column and a snippet."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: int | None = None, snippet: str = "", caret: int | None = None):
        self.message, self.file, self.line, self.column, self.snippet = message, file, line, column, snippet
        #: the column of the place inside ``snippet`` when the snippet is not the whole source line
        self.caret = caret
        super().__init__(self.located())

    def located(self) -> str:
        where = ":".join(str(x) for x in (self.file, self.line, self.column) if x is not None)
        text = f"{where}: {self.message}" if where else self.message
        if self.snippet:
            text += f"\n    {self.snippet}"
            at = self.caret if self.caret is not None else self.column
            if at is not None:
                text += "\n    " + " " * max(at - 1, 0) + "^"
        return text


class ProofError(DeriveError):
    """A proof file that could not be loaded or built."""
