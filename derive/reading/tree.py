"""Tokens into a tree: groups, commands with their arguments, environments.

TeX decides where an argument ends, not a regular expression: a command of known arity
takes its arguments braced or not (``\\frac12``, ``\\frac 1 2``, ``\\frac d{dz}``,
``\\sqrt3``, ``\\sqrt[3]{x}``), ``{...}`` is a group, ``\\begin{name} ... \\end{name}`` an
environment. Every node keeps the source offset of its first token, so every message can
name a line and column of the file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

from .tokens import Source, Token, tokenize

#: commands and how many arguments they take (braced or a single token)
ARITY = {
    "frac": 2, "dfrac": 2, "tfrac": 2, "cfrac": 2, "binom": 2, "dbinom": 2, "tbinom": 2, "sqrt": 1,
    "text": 1, "textrm": 1, "textit": 1, "textbf": 1, "mbox": 1, "textnormal": 1, "intertext": 1,
    "mathrm": 1, "mathit": 1, "mathbf": 1, "mathsf": 1, "mathtt": 1, "mathcal": 1, "mathbb": 1, "mathfrak": 1,
    "bm": 1, "boldsymbol": 1, "pmb": 1, "vec": 1, "hat": 1, "widehat": 1, "tilde": 1, "widetilde": 1,
    "bar": 1, "overline": 1, "dot": 1, "ddot": 1, "underline": 1, "operatorname": 1, "mathop": 1,
    "label": 1, "tag": 1, "eqref": 1, "ref": 1, "hspace": 1, "vspace": 1, "phantom": 1, "hphantom": 1,
    "vphantom": 1, "boxed": 1, "color": 1, "textcolor": 2, "pdv": 1, "dv": 1, "norm": 1, "abs": 1,
    "overset": 2, "underset": 2, "stackrel": 2, "cancel": 1, "bcancel": 1, "xcancel": 1, "cancelto": 2,
    "underbrace": 1, "overbrace": 1, "substack": 1, "mathring": 1, "check": 1, "breve": 1,
}
#: commands with an optional ``[...]`` argument before the braced ones
OPTIONAL = {"sqrt", "pdv", "dv", "hspace", "tag"}
#: environments whose first braced argument is a column specification
SPEC_ENVIRONMENTS = {"array", "tabular", "alignat", "alignat*", "alignedat"}


@dataclass
class Leaf:
    tok: Token

    @property
    def pos(self) -> int:
        return self.tok.pos


@dataclass
class Group:
    children: list
    pos: int
    end: int


@dataclass
class Cmd:
    tok: Token
    args: list = field(default_factory=list)
    opt: Optional[Group] = None

    @property
    def pos(self) -> int:
        return self.tok.pos

    @property
    def name(self) -> str:
        return self.tok.name


@dataclass
class Env:
    name: str
    body: list
    pos: int
    end: int
    spec: Optional[Group] = None


Node = Union[Leaf, Group, Cmd, Env]


class _Builder:
    def __init__(self, tokens: list[Token], src: Source):
        self.toks, self.src, self.n = tokens, src, 0

    def peek(self) -> Optional[Token]:
        return self.toks[self.n] if self.n < len(self.toks) else None

    def skip_spaces(self) -> None:
        while self.n < len(self.toks) and self.toks[self.n].kind == "space":
            self.n += 1

    def sequence(self, until: Optional[str], start: int, env: Optional[str] = None) -> tuple[list, int]:
        """Nodes up to a closing brace (``until='}'``), ``\\end{env}`` or the end of the text."""
        out = []
        while True:
            tok = self.peek()
            if tok is None:
                if until == "}":
                    raise self.src.error("an unclosed '{'", start)
                if env is not None:
                    raise self.src.error(f"\\begin{{{env}}} is not closed", start)
                return out, len(self.src.text)
            if tok.kind == "close":
                if until == "}":
                    self.n += 1
                    return out, tok.pos
                raise self.src.error("a '}' closes nothing", tok.pos)
            if tok.kind == "cmd" and tok.name == "end":
                name, end_pos = self.env_name(tok)
                if env == name:
                    return out, end_pos
                if env is None:
                    raise self.src.error(f"\\end{{{name}}} without its \\begin", tok.pos)
                raise self.src.error(f"\\end{{{name}}} closes \\begin{{{env}}}", tok.pos)
            out.append(self.node())

    def env_name(self, tok: Token) -> tuple[str, int]:
        self.n += 1
        self.skip_spaces()
        t = self.peek()
        if t is None or t.kind != "open":
            raise self.src.error(f"\\{tok.name} without an environment name", tok.pos)
        self.n += 1
        name = []
        while self.peek() is not None and self.peek().kind != "close":
            name.append(self.peek().text)
            self.n += 1
        if self.peek() is None:
            raise self.src.error("an unclosed '{'", t.pos)
        self.n += 1
        return "".join(name).strip(), self.toks[self.n - 1].pos + 1

    def node(self) -> Node:
        tok = self.peek()
        if tok.kind == "open":
            self.n += 1
            children, end = self.sequence("}", tok.pos)
            return Group(children, tok.pos, end)
        if tok.kind == "cmd" and tok.name == "begin":
            name, _ = self.env_name(tok)
            spec = None
            if name in SPEC_ENVIRONMENTS:
                self.skip_spaces()
                if self.peek() is not None and self.peek().kind == "open":
                    spec = self.node()
            body, end = self.sequence(None, tok.pos, env=name)
            return Env(name, body, tok.pos, end)
        self.n += 1
        if tok.kind == "cmd" and tok.name in ARITY:
            cmd = Cmd(tok)
            if tok.name in OPTIONAL:
                save = self.n
                self.skip_spaces()
                t = self.peek()
                if t is not None and t.kind == "char" and t.text == "[":
                    cmd.opt = self.bracket(t)
                else:
                    self.n = save
            for _ in range(ARITY[tok.name]):
                cmd.args.append(self.argument(tok))
            if tok.name in ("pdv", "dv"):  # \pdv{f}{x}, \pdv{f}{x}{y}; \pdv{x} alone is the operator
                for _ in range(2):
                    save = self.n
                    self.skip_spaces()
                    if self.peek() is not None and self.peek().kind == "open":
                        cmd.args.append(self.node())
                    else:
                        self.n = save
                        break
            return cmd
        return Leaf(tok)

    def bracket(self, t: Token) -> Group:
        """``[...]`` after a command: its optional argument, as a group."""
        self.n += 1
        out, depth = [], 0
        while True:
            tok = self.peek()
            if tok is None:
                raise self.src.error("an unclosed '['", t.pos)
            if tok.kind == "char" and tok.text == "]" and depth == 0:
                self.n += 1
                return Group(out, t.pos, tok.pos)
            if tok.kind == "char" and tok.text == "[":
                depth += 1
            elif tok.kind == "char" and tok.text == "]":
                depth -= 1
            out.append(self.node())

    def argument(self, owner: Token) -> Node:
        self.skip_spaces()
        tok = self.peek()
        if tok is None or tok.kind == "close" or (tok.kind == "cmd" and tok.name == "end"):
            raise self.src.error(f"\\{owner.name} is missing an argument", owner.pos)
        if tok.kind == "char" and tok.text in "^_&":
            raise self.src.error(f"\\{owner.name} is missing an argument", owner.pos)
        return self.node()


#: the deepest nesting of braces and brackets read: every later stage recurses on the tree, and
#: a bounded depth keeps them all far from Python's recursion limit (no real derivation nests 60 deep)
MAX_DEPTH = 60


def check_depth(toks: list, src: Source) -> None:
    """Refuse, at its place, a formula nested deeper than ``MAX_DEPTH`` braces and brackets."""
    depth, deepest, first = 0, 0, None
    for t in toks:
        if t.kind == "open" or (t.kind == "char" and t.text in "(["):
            depth += 1
            if depth > deepest:
                deepest = depth
                if depth > MAX_DEPTH and first is None:
                    first = t.pos
        elif t.kind == "close" or (t.kind == "char" and t.text in ")]"):
            depth = max(depth - 1, 0)
    if first is not None:
        raise src.error(f"nested {deepest} levels deep; derive reads at most {MAX_DEPTH}", first)


def parse_tree(src: Source, tokens: Optional[list] = None) -> list:
    """The nodes of a whole source text."""
    toks = tokens if tokens is not None else tokenize(src)
    check_depth(toks, src)
    b = _Builder(toks, src)
    try:
        nodes, _ = b.sequence(None, 0)
    except RecursionError:
        raise src.error(f"nested too deeply; derive reads at most {MAX_DEPTH} levels",
                        toks[b.n].pos if b.n < len(toks) else 0) from None
    return nodes


def source_text(node, src: Source) -> str:
    """The exact source text a node was read from."""
    return src.text[node.pos:node_end(node)]


def node_end(node) -> int:
    """The offset just after a node."""
    if isinstance(node, Leaf):
        return node.pos + node.tok.size
    if isinstance(node, Group):
        return node.end + 1
    if isinstance(node, Env):
        return node.end
    last = node.args[-1] if node.args else node.opt
    return node_end(last) if last is not None else node.pos + node.tok.size
