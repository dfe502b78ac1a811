"""The notation of the field, read on the tree: names, calls, derivatives, sums -> SymPy.

latex2sympy2 reads ordinary arithmetic; it does not know that ``w^{(2)}_{kj}`` is a weight
of layer 2, that ``\\sigma(z)`` is the sigmoid, that ``\\frac{\\partial L}{\\partial w}``
of an undefined ``L`` is an unknown quantity, or that ``\\sum_j`` sums over ``j``. This
module walks the tree of a formula, builds a SymPy object for every name, call,
derivative, sum, limit, indicator and evaluation bar itself, and hands latex2sympy2 only
the arithmetic between them (``+ - \\cdot / ^ \\frac \\sqrt``, brackets, matrices), with
every product written out as ``\\cdot``: it never decides what a juxtaposition means.

What could be read two ways is refused with the place and the header line that would
settle it: ``1 000``, ``0,111``, ``2 3``, ``2\\frac12``, ``e^-x``, ``\\text{words}`` as
letters, a letter before ``(`` that may be a function. Nothing calls ``eval``, ``exec``,
``sympify`` or ``parse_expr`` on the text.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Optional

import sympy as sp
from sympy.core.function import UndefinedFunction

from ..calculus.functions import logit, relu, sigmoid
from ..engine.traverse import substitute
from ..errors import LatexParseError
from .tokens import Source, Token, tokenize
from .graph import Partial, dependence_names
from .tree import Cmd, Env, Group, Leaf, parse_tree

MAX_LENGTH = 5000

GREEK = set("""alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi
 rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi
 Psi Omega ell""".split())
#: letters that name a function before "(" unless what follows shows a product
CONVENTIONAL_FUNCTIONS = {"f", "g", "h", "E", "L", "ell", "phi", "psi", "theta", "p", "P", "q", "Phi", "Psi", "Gamma"}
#: elementary functions by their command (or by their name written without a backslash)
ELEMENTARY = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "sec": sp.sec, "csc": sp.csc, "cot": sp.cot,
              "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "coth": sp.coth, "arcsin": sp.asin,
              "arccos": sp.acos, "arctan": sp.atan, "exp": sp.exp, "ln": sp.log, "log": sp.log,
              "sigmoid": sigmoid, "relu": relu, "ReLU": relu, "max": sp.Max, "min": sp.Min, "erf": sp.erf,
              "logit": logit, "sign": sp.sign, "sgn": sp.sign, "softplus": None, "softmax": None, "Tr": None, "tr": None, "diag": None}
#: names written without a backslash that are functions when "(" follows
PLAIN_WORDS = sorted((w for w in ELEMENTARY if w not in ("Tr", "tr", "sign", "sgn")), key=len, reverse=True)
PLAIN_SET = frozenset(PLAIN_WORDS)
#: function names that, inside a run of letters, make the run ambiguous (xcos, logh: a word or a product?)
RUN_WORDS = ("exp", "log", "ln", "sin", "cos", "tan", "sigmoid", "max", "min")
SPACING = {",", ";", ":", "!", " ", "\n", "\t", "small", "tiny", "Tiny", "scriptsize", "footnotesize", "large",
           "Large", "normalsize", "quad", "qquad", "enspace", "thinspace", "medspace", "thickspace",
           "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "left", "right", "middle",
           "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
           "bigm", "Bigm", "biggm", "Biggm", "nonumber", "notag", "allowbreak", "mathstrut", "strut"}
SIZING = {"left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl",
          "biggr", "Biggl", "Biggr", "bigm", "Bigm", "biggm", "Biggm"}
DECORATIONS = {"hat": "hat", "widehat": "hat", "tilde": "tilde", "widetilde": "tilde", "bar": "bar",
               "overline": "bar", "vec": "mathbf", "mathbf": "mathbf", "bm": "mathbf", "boldsymbol": "mathbf",
               "pmb": "mathbf", "dot": "dot", "ddot": "ddot", "check": "check", "breve": "breve",
               "mathcal": "mathcal", "mathsf": "mathsf", "mathfrak": "mathfrak", "mathring": "mathring",
               "underline": "underline", "mathtt": "mathtt"}
BOLD = "mathbf"
TEXT_COMMANDS = {"text", "textrm", "textit", "textbf", "mbox", "textnormal"}
TRANSPOSE = {"T", "\\top", "\\intercal", "\\mathsf{T}", "\\mathrm{T}", "\\mathsf T", "\\mathrm T", "\\mathsf{T}",
             "\\rm T", "t", "\\textsf{T}", "\\texttt{T}"}
STAR = {"*", "\\star", "\\ast"}
RELATION_CHARS = {"=", "<", ">"}
INEQ = {"geq": ">=", "ge": ">=", "leq": "<=", "le": "<=", "neq": "!=", "ne": "!="}
DIFF_COMMANDS = {"partial", "diff", "mathrm-d", "d"}
PLACEHOLDER = "\\Xi_{%d}"
#: what latex2sympy2 sees in place of each read object: plain letters, which its grammar reads
#: fastest (a subscripted placeholder costs it 50 ms); ``d``, ``e``, ``I`` and ``\\gamma`` mean
#: something to it and are left out
SLOTS = [(c, c) for c in "abcfghijklmnopqrstuvwxyzABCDEFGHJKLMNOPQRSTUVWXYZ"] + [
    ("\\" + g, g) for g in ("alpha beta zeta eta theta iota kappa lambda mu nu xi rho tau upsilon phi chi psi "
                            "omega Delta Theta Lambda Xi Sigma Upsilon Phi Psi Omega").split()]


@dataclass
class Context:
    """What a document declared: function letters, definitions, assumptions, bound names, where
    the formula came from (``positions``: the file's (line, column) of each character)."""

    functions: set = field(default_factory=set)
    definitions: dict = field(default_factory=dict)
    file: Optional[str] = None
    line: Optional[int] = None
    assume: dict = field(default_factory=dict)
    bound: set = field(default_factory=set)
    positions: tuple = ()
    #: names declared complex (read as complex symbols, never simplified as real); the same as
    #: ``assume={name: "complex"}``, folded into ``assume`` so one rule decides
    complex_names: frozenset = frozenset()
    #: derivatives by one name kept as written (:class:`derive.reading.graph.Partial`): the
    #: document model gives them their meaning through its graph of definitions
    leibniz: bool = False

    def __post_init__(self):
        if self.complex_names:
            self.assume = {**{n: "complex" for n in self.complex_names}, **self.assume}


@dataclass
class Held:
    """A node already read: a SymPy object standing where its source nodes were."""

    expr: object
    pos: int
    bold: bool = False


def _is(nd, kind: str, *texts) -> bool:
    if not isinstance(nd, Leaf) or nd.tok.kind != kind:
        return False
    return not texts or nd.tok.name in texts if kind == "cmd" else not texts or nd.tok.text in texts


def _char(nd, chars) -> bool:
    return isinstance(nd, Leaf) and nd.tok.kind == "char" and nd.tok.text in chars


def _cmd(nd, *names) -> bool:
    return (isinstance(nd, Leaf) and nd.tok.kind == "cmd" and nd.tok.name in names) or (
        isinstance(nd, Cmd) and nd.name in names)


def _opens(nd) -> bool:
    return _char(nd, "([") or _cmd(nd, "{", "lbrace", "lfloor", "lceil", "langle")


def _closes(nd) -> bool:
    return _char(nd, ")]") or _cmd(nd, "}", "rbrace", "rfloor", "rceil", "rangle")


def _letter_like(nd) -> bool:
    """A letter or a Greek letter (not a function name): a factor of a name."""
    if isinstance(nd, Leaf) and nd.tok.kind == "char":
        return nd.tok.text.isalpha()
    return isinstance(nd, Leaf) and nd.tok.kind == "cmd" and nd.tok.name in GREEK


def _kids(nd) -> list:
    return nd.children if isinstance(nd, Group) else [nd]


def _plain(nd) -> str:
    """The written name of a small node: ``{\\theta}`` and ``\\theta`` alike give ``\\theta``."""
    if isinstance(nd, Group):
        return "".join(_plain(c) for c in nd.children)
    if isinstance(nd, Leaf):
        if nd.tok.kind == "space":
            return ""
        if nd.tok.kind == "cmd" and nd.tok.name in SPACING:
            return ""
        return nd.tok.text
    if isinstance(nd, Cmd):
        return "\\" + nd.name + "".join("{" + _plain(a) + "}" for a in nd.args)
    if isinstance(nd, Held):
        return sp.latex(nd.expr)
    return "?"


@functools.lru_cache(maxsize=4096)
def _latex2sympy(skeleton: str):
    """latex2sympy2 on a skeleton of placeholders, numbers and operators (cached: skeletons repeat).

    The skeleton is an expression, so its grammar's expression rule is asked first, with ANTLR's
    fast (SLL) prediction; the whole entry point, with full prediction, only when that fails."""
    from antlr4 import Token as AntlrToken
    from antlr4.atn.PredictionMode import PredictionMode
    from latex2sympy2_extended import latex2sympy
    from latex2sympy2_extended.latex2sympy2 import ConversionConfig, _Latex2Sympy

    config = ConversionConfig(interpret_as_mixed_fractions=False, interpret_simple_eq_as_assignment=False,
                              interpret_contains_as_eq=False, lowercase_symbols=False)
    try:
        converter = _Latex2Sympy(None, None, False, config)
        parser = converter.create_parser(skeleton)
        parser._interp.predictionMode = PredictionMode.SLL
        tree = parser.expr()
        if parser.getCurrentToken().type == AntlrToken.EOF:
            return converter.convert_expr(tree)
    except RecursionError:
        raise
    except Exception:  # noqa: BLE001  (the full reading below decides, and reports)
        pass
    return latex2sympy(skeleton, normalization_config=None, conversion_config=config)


@functools.lru_cache(maxsize=1024)
def _indexed_base(label: str, complex_: bool = False):
    """One IndexedBase per written name (building one deduces its assumptions: slow)."""
    return sp.IndexedBase(label, complex=True) if complex_ else sp.IndexedBase(label, real=True)


@functools.lru_cache(maxsize=4096)
def _indexed(label: str, complex_: bool, idx: tuple):
    base = _indexed_base(label, complex_)
    return base[idx] if len(idx) > 1 else base[idx[0]]


class Reader:
    """One formula: its source, the placeholder table, and the context of its document."""

    def __init__(self, src: Source, ctx: Context):
        self.src, self.ctx = src, ctx
        self.table: dict = {}
        self.calls: set = set()             # placeholders of applied functions: cos(u)2x is cos(u)*2x
        self.names: dict = {}
        self.leaf_seconds = 0.0

    # --- errors and names --------------------------------------------------------------------
    def error(self, message: str, pos: int) -> LatexParseError:
        return self.src.error(message, pos)

    def symbol(self, name: str):
        """The one symbol of a written name (real unless the header says complex)."""
        dom = self.ctx.assume.get(name, "")
        s = sp.Symbol(name, complex=True) if "complex" in dom else sp.Symbol(name, real=True)
        return self.names.setdefault(name, s)

    def hold(self, expr, pos: int, bold: bool = False) -> Held:
        return Held(expr, pos, bold)

    # --- whole formulas ------------------------------------------------------------------------
    def expr(self, nodes: list, pos: Optional[int] = None):
        """The SymPy expression of a sequence of nodes."""
        seq = self.prepare(nodes)
        if not seq:
            raise self.error("an empty formula", pos if pos is not None else (nodes[0].pos if nodes else 0))
        return self.skeleton_expr(self.emit(seq), seq[0].pos)

    def skeleton_expr(self, pieces: list, pos: int):
        """latex2sympy2 on the skeleton of some pieces, the read objects put back."""
        if not pieces:
            raise self.error("an empty formula", pos)
        if len(pieces) == 1 and pieces[0][0] in self.table:
            return self.table[pieces[0][0]]
        if len(pieces) == 1 and re.fullmatch(r"\d+", pieces[0][0]):
            return sp.Integer(int(pieces[0][0]))
        skeleton, starts, slots = "", [], {}
        for text, p in pieces:
            if text in self.table:
                if text not in slots:
                    slots[text] = SLOTS[len(slots)] if len(slots) < len(SLOTS) else (text, text[1:])
                text = slots[text][0]
            starts.append((len(skeleton), p))
            skeleton += text + " "
        import time

        t0 = time.perf_counter()
        try:
            got = _latex2sympy(skeleton)
        except RecursionError:
            raise self.error("too deeply nested", pos) from None
        except LatexParseError:
            raise
        except Exception as exc:  # latex2sympy2 raises bare Exceptions with a caret line
            lines = str(exc).splitlines()
            col = len(lines[2]) - 1 if len(lines) >= 3 and lines[2].endswith("^") else 0
            at = next((p for s_, p in reversed(starts) if s_ <= col), pos)
            raise self.error("cannot read the arithmetic here", at) from None
        finally:
            self.leaf_seconds += time.perf_counter() - t0
        if isinstance(got, list) or not isinstance(got, (sp.Basic, sp.MatrixBase)):
            raise self.error("not one formula (a list or a set?)", pos)
        keys = {sp.Symbol(slot[1]): self.table[k] for k, slot in slots.items()}
        if isinstance(got, sp.MatrixBase):
            return sp.ImmutableMatrix(got.applyfunc(lambda e: substitute(e, keys) if keys else e))
        stray = [s for s in got.free_symbols if s not in keys]
        if stray:
            raise self.error("cannot read this formula", pos)
        return substitute(got, keys) if keys else got

    def prepare(self, nodes: list) -> list:
        """Spacing and sizing away; ``\\left.`` and evaluation bars marked; ``\\left\\{`` as a bracket."""
        out = []
        n = 0
        while n < len(nodes):
            nd = nodes[n]
            if isinstance(nd, Leaf) and nd.tok.kind == "space":
                n += 1
                continue
            if _char(nd, "~&"):
                n += 1
                continue
            if isinstance(nd, Cmd) and nd.name in ("hspace", "phantom", "hphantom", "vphantom", "label", "tag"):
                n += 1
                continue
            if isinstance(nd, Leaf) and nd.tok.kind == "cmd" and nd.tok.name in SPACING:
                if nd.tok.name in SIZING:
                    nxt = nodes[n + 1] if n + 1 < len(nodes) else None
                    if _char(nxt, "."):
                        out.append(Leaf(Token("mark", "evalstart" if nd.tok.name == "left" else "drop", nd.pos)))
                        n += 2
                        continue
                n += 1
                continue
            out.append(nd)
            n += 1
        return [x for x in out if not (isinstance(x, Leaf) and x.tok.kind == "mark" and x.tok.text == "drop")]

    # --- emission: the skeleton handed to latex2sympy2 ---------------------------------------
    def put(self, pieces: list, expr, pos: int) -> None:
        """A read object as an operand of the skeleton (a product with the operand before it)."""
        key = PLACEHOLDER % (1000 + len(self.table))
        self.table[key] = expr
        self.operand(pieces, pos)
        pieces.append((key, pos))

    @staticmethod
    def operand(pieces: list, pos: int) -> None:
        """Before an operand: ``\\cdot`` when an operand ends the skeleton (a product written out)."""
        if pieces and (pieces[-1][0] in (")", "!", "}") or pieces[-1][0].startswith("\\Xi_")
                       or pieces[-1][0][-1:].isdigit()):
            pieces.append(("\\cdot", pos))

    def emit(self, seq: list) -> list:
        """``[(skeleton text, source offset)]`` of a prepared sequence."""
        seq = self.evaluation_bars(seq)
        pieces: list = []
        n = 0
        while n < len(seq):
            n = self.emit_one(seq, n, pieces)
        return pieces

    def emit_one(self, seq: list, n: int, pieces: list) -> int:
        nd = seq[n]
        if isinstance(nd, Held):
            self.put(pieces, nd.expr, nd.pos)
            return n + 1
        if isinstance(nd, Group):
            inner = self.prepare(nd.children)
            if not inner:
                return n + 1                    # {} before a script, as in {}^*
            self.operand(pieces, nd.pos)
            pieces.append(("(", nd.pos))
            pieces.extend(self.emit(inner))
            pieces.append((")", nd.end))
            return n + 1
        if isinstance(nd, Env):
            return self.environment(seq, n, pieces)
        if isinstance(nd, Cmd):
            return self.command(seq, n, pieces)
        tok = nd.tok
        if tok.kind == "mark":
            raise self.error("\\left. without an evaluation bar \\right|_{...}", tok.pos)
        if tok.kind == "shift":
            raise self.error("a '$' inside display math", tok.pos)
        if tok.kind == "char":
            ch = tok.text
            if ch.isdigit() or (ch == "." and n + 1 < len(seq) and _char(seq[n + 1], "0123456789")):
                return self.number(seq, n, pieces)
            if ch.isalpha() and ch.isascii():
                return self.letter(seq, n, pieces)
            if ch in "+-":
                pieces.append((ch, tok.pos))
                return n + 1
            if ch == "*":
                pieces.append(("\\cdot", tok.pos))
                return n + 1
            if ch == "/":
                pieces.append(("/", tok.pos))
                return n + 1
            if ch in "([":
                return self.bracket(seq, n, pieces)
            if ch in ")]":
                raise self.error(f"a '{ch}' closes nothing", tok.pos)
            if ch == "|":
                return self.bars(seq, n, pieces, "|")
            if ch == "!":
                pieces.append(("!", tok.pos))
                return n + 1
            if ch == "^":
                return self.power(seq, n, pieces)
            if ch == "_":
                raise self.error("a subscript on something that is not a name", tok.pos)
            if ch == "'":
                raise self.error("a prime on something that is not a name", tok.pos)
            if ch == ",":
                if n > 0 and _char(seq[n - 1], "0123456789") and n + 1 < len(seq) and _char(seq[n + 1], "0123456789"):
                    raise self.error("a decimal comma or a digit group ('0,111', '1,000'): write 0.111 or "
                                     "1000", tok.pos)
                raise self.error("a comma inside a formula (a list?)", tok.pos)
            if ch in RELATION_CHARS:
                raise self.error("a relation inside a formula", tok.pos)
            raise self.error(f"cannot read '{ch}' here", tok.pos)
        if tok.kind == "cmd":
            return self.command(seq, n, pieces)
        raise self.error(f"cannot read '{tok.text}' here", tok.pos)

    # --- numbers ---------------------------------------------------------------------------------
    def number(self, seq: list, n: int, pieces: list) -> int:
        start = seq[n].pos
        digits = []
        k = n
        while k < len(seq) and _char(seq[k], "0123456789.") and (k == n or seq[k].pos == seq[k - 1].pos + 1):
            digits.append(seq[k].tok.text)
            k += 1
        text = "".join(digits)
        groups = 0          # ",ddd" groups: thousands separators only where nothing else can be meant
        while (k + 3 < len(seq) + 0 and _char(seq[k], ",") and all(
                k + j < len(seq) and _char(seq[k + j], "0123456789") and seq[k + j].pos == seq[k].pos + j
                for j in (1, 2, 3)) and seq[k].pos == seq[k - 1].pos + 1 and "." not in text
               and not (k + 4 < len(seq) and _char(seq[k + 4], "0123456789") and seq[k + 4].pos == seq[k].pos + 4)):
            text += "".join(seq[k + j].tok.text for j in (1, 2, 3))
            groups += 1
            k += 4
        if groups:
            tail = ""
            if k + 1 < len(seq) and _char(seq[k], ".") and _char(seq[k + 1], "0123456789") and \
                    seq[k].pos == seq[k - 1].pos + 1:
                tail = "."
                k += 1
                while k < len(seq) and _char(seq[k], "0123456789") and seq[k].pos == seq[k - 1].pos + 1:
                    tail += seq[k].tok.text
                    k += 1
            if groups < 2 and not tail or text.startswith("0"):
                raise self.error("a decimal comma or a digit group ('0,111', '1,000'): write 0.111 or 1000",
                                 start)
            text += tail        # 7,425,000 and 1,000.5: the commas can only group digits
        if len(text) > 1 and text[0] == "0" and text[1] != ".":
            raise self.error(f"a number with a leading zero ('{text}'): a digit group or a code?", start)
        if text.count(".") > 1 or text.endswith("."):
            if text.endswith(".") and text.count(".") == 1:
                text = text[:-1]
            else:
                raise self.error(f"cannot read the number '{text}'", start)
        if k < len(seq) and _char(seq[k], "0123456789"):
            raise self.error("two numbers side by side ('1 000' or '2 3'): a digit group or a product? write "
                             "1000 or 2 \\cdot 3", seq[k].pos)
        if k + 1 < len(seq) and _char(seq[k], ",") and _char(seq[k + 1], "0123456789") and \
                seq[k + 1].pos == seq[k].pos + 1:
            raise self.error("a decimal comma or a digit group ('0,111', '1,000'): write 0.111 or 1000", seq[k].pos)
        if pieces and ((pieces[-1][0].startswith("\\Xi_") and pieces[-1][0] not in self.calls)
                       or pieces[-1][0] == "}"):
            raise self.error(f"a number after a factor: write {text} before it, or \\cdot", start)
        if pieces and pieces[-1][0][-1:].isdigit():
            raise self.error("two numbers side by side: write \\cdot between them", start)
        if k < len(seq) and isinstance(seq[k], Cmd) and seq[k].name in ("frac", "dfrac", "tfrac", "cfrac") \
                and all(re.fullmatch(r"[0-9.]*", _plain(a)) for a in seq[k].args):
            raise self.error(f"a number before a numeric fraction: {text} plus it (a mixed number) or times it? "
                             f"write {text} + \\frac... or {text} \\cdot \\frac...", seq[k].pos)
        if "." in text:     # a decimal is the exact decimal written: 0.7 is 7/10
            self.put(pieces, sp.Rational(text), start)
        else:
            pieces.append((text, start))
        return k

    # --- names -------------------------------------------------------------------------------------
    def scripts(self, seq: list, k: int):
        """Subscript, layer, star and primes after a base, in any order; a power stops."""
        sub = layer = None
        star, primes = False, 0
        while k < len(seq):
            nd = seq[k]
            if _char(nd, "_") and sub is None and k + 1 < len(seq):
                arg = seq[k + 1]
                if _plain(arg) in STAR or _plain(arg) == "{*}":
                    star = True
                else:
                    sub = arg
                k += 2
                continue
            if _char(nd, "'"):
                primes += 1
                k += 1
                continue
            if _char(nd, "^") and k + 1 < len(seq):
                arg = seq[k + 1]
                inner = _plain(arg)
                kids = [c for c in _kids(arg) if not (isinstance(c, Leaf) and c.tok.kind == "space")]
                if kids and _char(kids[0], "(") and _char(kids[-1], ")") and isinstance(arg, Group) and layer is None:
                    layer = "".join(_plain(c) for c in kids[1:-1]).strip()
                    k += 2
                    continue
                if inner in STAR or inner in ("{*}", "{\\star}", "{\\ast}"):
                    star = True
                    k += 2
                    continue
                if inner in ("\\prime", "\\prime\\prime") or re.fullmatch(r"(\\prime)+", inner):
                    primes += inner.count("\\prime")
                    k += 2
                    continue
                if inner in TRANSPOSE or inner.replace(" ", "") in TRANSPOSE or re.fullmatch(
                        r"\(.*\)\s*(T|\\top)", inner):
                    raise self.error("a transpose: vectors and matrices are not graded yet", nd.pos)
            break
        return sub, layer, star, primes, k

    def base_name(self, nd) -> tuple:
        """(name, is bold) of a name's base: ``x``, ``alpha``, ``\\hat{y}``, ``\\mathbf{w}``."""
        if isinstance(nd, Leaf):
            if nd.tok.kind == "char":
                return nd.tok.text, False
            return nd.tok.name, False
        deco = DECORATIONS[nd.name]
        inner = _plain(nd.args[0]).strip()
        kids = [c for c in _kids(nd.args[0]) if not (isinstance(c, Leaf) and c.tok.kind == "space")]
        simple = len(kids) == 1 and ((isinstance(kids[0], Leaf) and (kids[0].tok.kind == "char" and
                                      kids[0].tok.text.isalnum() or kids[0].tok.kind == "cmd" and
                                      kids[0].tok.name in GREEK)) or isinstance(kids[0], Cmd) and
                                     kids[0].name in DECORATIONS)
        if not simple and not (deco == BOLD and re.fullmatch(r"[A-Za-z]+", inner)):
            raise self.error(f"\\{nd.name} over an expression, not a name", nd.pos)
        bold = deco == BOLD or nd.name == "vec"
        if deco == "mathcal" or deco == "mathsf":
            return f"\\{deco}{{{inner}}}", bold
        return f"\\{deco}{{{inner}}}", bold

    def index_list(self, sub) -> Optional[list]:
        """``kj`` -> [k, j]; ``k,0`` -> [k, 0]; ``i+1`` -> [i + 1]; ``kk'`` -> [k, k']; a word or a
        greek letter -> None (part of the name)."""
        s = _plain(sub).replace(" ", "")
        if s.startswith("{") and s.endswith("}"):
            s = s[1:-1]
        if "," in s:
            parts = s.split(",")
        elif re.fullmatch(r"[A-Za-z]'*[+-]\d+", s):
            parts = [s]
        elif re.fullmatch(r"(?:[A-Za-z]'*|\d)+", s):
            parts = re.findall(r"[A-Za-z]'*|\d", s)
        else:
            return None
        if not parts or len(parts) > 3 or any(not re.fullmatch(r"[A-Za-z]'*|\d+|[A-Za-z]'*[+-]\d+", p) for p in parts):
            return None
        if "," not in s and len(s) == 2 and s.lower() in {"in", "id", "ml", "em", "op", "ce"}:
            return None
        out = []
        for p in parts:
            m = re.fullmatch(r"([A-Za-z]'*)([+-]\d+)?", p)
            if p.isdigit():
                out.append(sp.Integer(int(p)))
            elif m.group(2):
                out.append(self.symbol(m.group(1)) + int(m.group(2)))
            else:
                out.append(self.symbol(m.group(1)))
        return out

    def atom(self, name: str, sub, layer, star: bool, primes: int, bold: bool):
        label = f"{name}^{{({layer})}}" if layer else name
        label = label.replace("^{(", "^(").replace(")}", ")") if layer else label
        if star:
            label += "^*"
        if primes:
            label += "'" * primes
        if sub is None:
            if name == "e" and not layer and not star and not primes and "e" not in self.ctx.bound:
                return sp.E
            if name == "pi" and not layer and not star and not primes:
                return sp.pi
            if name == "infty":
                return sp.oo
            return self.symbol(label)
        idx = self.index_list(sub)
        if name == "delta" and not layer and not star and idx is not None and len(idx) == 2:
            return sp.KroneckerDelta(*idx)
        if idx is None:
            return self.symbol(f"{label}_{{{_plain(sub).strip('{}')}}}")
        return _indexed(label, label in self.ctx.assume and "complex" in self.ctx.assume[label], tuple(idx))

    def letter(self, seq: list, n: int, pieces: list) -> int:
        """A letter: a word written without a backslash (``exp(``), a name, or a call."""
        prev = seq[n - 1] if n else None
        if not (isinstance(prev, Leaf) and prev.tok.kind == "char" and prev.tok.text.isalpha()
                and prev.pos + 1 == seq[n].pos):
            k, word = n, ""
            while k < len(seq) and isinstance(seq[k], Leaf) and seq[k].tok.kind == "char" and \
                    seq[k].tok.text.isalpha() and (k == n or seq[k].pos == seq[k - 1].pos + 1) and len(word) < 8:
                word += seq[k].tok.text
                k += 1
            if len(word) > 1 and word in PLAIN_SET and k < len(seq) and _char(seq[k], "("):
                return self.function(word, seq, k, pieces, seq[n].pos)
            hit = next((w for w in RUN_WORDS if w in word), None)
            if hit and len(word) > 1:
                raise self.error(f"letters that run into a function name ('{word}'): write \\{hit} and a space, "
                                 f"or \\cdot between factors", seq[n].pos)
        return self.name(seq, n, pieces)

    def name(self, seq: list, n: int, pieces: list) -> int:
        nd = seq[n]
        base, bold = self.base_name(nd)
        sub, layer, star, primes, k = self.scripts(seq, n + 1)
        after = seq[k] if k < len(seq) else None
        fname = base + (f"_{{{_plain(sub).strip('{}')}}}" if sub is not None else "")
        declared = base in self.ctx.functions or fname in self.ctx.functions
        if _char(after, "(") and not layer and not star:
            close = self.matching(seq, k)
            inside = seq[k + 1:close]
            bar = next((m for m, x in enumerate(inside) if _char(x, "|") or _cmd(x, "mid", "vert")), None)
            if bar is not None and not primes:
                # p(t | w): a conditional probability, an unknown function of what it is conditioned on
                given = self.split_args(inside[bar + 1:])
                args = [self.expr(a, nd.pos) for a in self.split_args(inside[:bar]) + given]
                f = sp.Function(fname + "(" + ",".join(["\\cdot"] * (len(args) - len(given))) + "|" +
                                ",".join(["\\cdot"] * len(given)) + ")")
                self.put(pieces, f(*args), nd.pos)
                self.calls.add(pieces[-1][0])
                return close + 1
            args = self.split_args(inside)
            conventional = base in CONVENTIONAL_FUNCTIONS
            if primes:
                if not (declared or conventional or base == "sigma"):
                    raise self.error(f"is '{base}'' a derivative of a function? declare it with "
                                     f"'% derive: function {base}'", nd.pos)
                return self.call(base, sub, primes, args, seq, close, pieces, nd.pos)
            if base == "sigma" and sub is None:
                return self.call(base, None, 0, args, seq, close, pieces, nd.pos)
            if declared or len(args) >= 2:
                return self.call(base, sub, 0, args, seq, close, pieces, nd.pos)
            if conventional:
                if self.mentions(inside, base):
                    pass            # h(1-h), \theta(1-\theta): a product
                else:
                    return self.call(base, sub, 0, args, seq, close, pieces, nd.pos)
        if _char(after, "^") and k + 1 < len(seq) and not layer and base in CONVENTIONAL_FUNCTIONS | {"sigma"}:
            if base == "sigma" and sub is None and _plain(seq[k + 1]).replace(" ", "") in ("{-1}", "-1") and \
                    k + 2 < len(seq) and _char(seq[k + 2], "("):
                close = self.matching(seq, k + 2)
                arg = self.expr(seq[k + 3:close], seq[k + 2].pos)
                self.put(pieces, logit(arg), nd.pos)
                return close + 1
            if base == "sigma" and sub is None and k + 2 < len(seq) and _char(seq[k + 2], "(") and \
                    re.fullmatch(r"\{?\d\}?", _plain(seq[k + 1]).replace(" ", "")):
                close = self.matching(seq, k + 2)       # \sigma^2(z): the sigmoid squared, as \tanh^2
                arg = self.expr(seq[k + 3:close], seq[k + 2].pos)
                self.put(pieces, sigmoid(arg) ** int(_plain(seq[k + 1]).strip("{} ")), nd.pos)
                return close + 1
        if primes and _char(after, "("):
            raise self.error(f"is '{base}'' a derivative of a function? declare it with "
                             f"'% derive: function {base}'", nd.pos)
        if sub is not None and not layer and _char(after, "^") and k + 1 < len(seq) and \
                re.fullmatch(r"\{?\s*[A-Za-z]\s*\}?", _plain(seq[k + 1])):
            raise self.error(f"a letter above a subscripted name ({base}_…^{_plain(seq[k + 1]).strip('{} ')}): a "
                             f"layer or a power? write ^{{(L)}} for a layer, or brackets for a power", seq[k].pos)
        self.put(pieces, self.atom(base, sub, layer, star, primes, bold), nd.pos)
        if bold:
            self.bold_product(pieces)
        return k

    def bold_product(self, pieces: list) -> None:
        """Two vectors or matrices side by side: their product is not commutative; refuse."""
        keys = [p for p in pieces if p[0].startswith("\\Xi_")]
        if len(keys) >= 2 and pieces[-2][0] == "\\cdot":
            prev = self.table.get(pieces[-3][0]) if len(pieces) >= 3 else None
            if prev is not None and any(getattr(s, "name", "").startswith("\\mathbf") for s in
                                        getattr(prev, "free_symbols", ())):
                raise self.error("a product of vectors or matrices: not graded yet", pieces[-1][1])

    def mentions(self, nodes: list, base: str) -> bool:
        for nd in nodes:
            if isinstance(nd, Leaf) and nd.tok.name == base and nd.tok.kind in ("char", "cmd"):
                return True
            if isinstance(nd, Group) and self.mentions(nd.children, base):
                return True
            if isinstance(nd, Cmd) and any(self.mentions(_kids(a), base) for a in nd.args):
                return True
        return False

    def matching(self, seq: list, k: int) -> int:
        """Index of the bracket closing the one at ``k``."""
        openc = seq[k].tok.text
        closes = {"(": ")", "[": "]"}[openc]
        depth = 0
        for m in range(k, len(seq)):
            if _char(seq[m], "(["):
                depth += 1
            elif _char(seq[m], ")]"):
                depth -= 1
                if depth == 0:
                    if seq[m].tok.text != closes and not (openc == "[" and seq[m].tok.text == ")"):
                        pass
                    return m
        raise self.error(f"an unclosed '{openc}'", seq[k].pos)

    def split_args(self, nodes: list) -> list:
        out, cur, depth = [], [], 0
        for nd in nodes:
            if _opens(nd):
                depth += 1
            elif _closes(nd):
                depth -= 1
            if _char(nd, ",") and depth == 0:
                out.append(cur)
                cur = []
            else:
                cur.append(nd)
        out.append(cur)
        return out

    def function_of(self, base: str, sub, pos: int):
        """The function a name denotes: sigmoid, ReLU, an elementary one, or a declared letter."""
        if base == "sigma" and sub is None:
            return sigmoid
        if base in ELEMENTARY and ELEMENTARY[base] is not None and sub is None:
            return ELEMENTARY[base]
        name = base + (f"_{{{_plain(sub).strip('{}')}}}" if sub is not None else "")
        return sp.Function(name)

    def call(self, base, sub, primes, args, seq, close, pieces, pos) -> int:
        vals = [self.expr(a, pos) for a in args]
        f = self.function_of(base, sub, pos)
        if primes:
            if len(vals) != 1:
                raise self.error("a derivative of a function of several arguments", pos)
            t = sp.Dummy("t")
            value = sp.Subs(sp.Derivative(f(t), (t, primes)), t, vals[0])
        else:
            value = f(*vals)
        self.put(pieces, value, pos)
        self.calls.add(pieces[-1][0])
        return close + 1

    # --- functions written as commands or words ----------------------------------------------------
    def function(self, name: str, seq: list, k: int, pieces: list, pos: int) -> int:
        """``\\ln x``, ``\\exp{x}``, ``\\tanh^2(x)``, ``\\log_{10} x``, ``\\sigma^{-1}(y)``, ``\\max(a, b)``."""
        base, power, primes, inverse = None, None, 0, False
        while k < len(seq):
            if _char(seq[k], "_") and k + 1 < len(seq) and name in ("log",):
                base = self.expr(_kids(seq[k + 1]), seq[k].pos)
                k += 2
                continue
            if _char(seq[k], "_") and name in ("max", "min"):
                raise self.error(f"a {name} over a set: write the arguments in brackets", seq[k].pos)
            if _char(seq[k], "^") and k + 1 < len(seq):
                s = _plain(seq[k + 1]).replace(" ", "").strip("{}")
                if s == "-1":
                    inverse = True
                elif re.fullmatch(r"\d+", s):
                    power = int(s)
                elif s in ("\\prime", "'"):
                    primes += 1
                else:
                    break
                k += 2
                continue
            if _char(seq[k], "'"):
                primes += 1
                k += 1
                continue
            break
        f = ELEMENTARY.get(name)
        if f is None:
            f = sp.Function(name)
        if inverse:
            if f is sigmoid:
                f = logit
            elif f is sp.tanh:
                f = sp.atanh
            elif f is sp.exp:
                f = sp.log
            else:
                raise self.error(f"an inverse of \\{name}", pos)
        if k >= len(seq):
            raise self.error(f"\\{name} with nothing to apply it to", pos)
        nd = seq[k]
        if _char(nd, "("):
            close = self.matching(seq, k)
            args = self.split_args(seq[k + 1:close])
            end = close + 1
            if name == "softmax":
                return self.softmax(args, seq, end, pieces, pos)
        elif isinstance(nd, Group) and name not in ("max", "min"):
            args, end = [nd.children], k + 1
        elif _cmd(nd, "{", "lbrace"):
            depth, close = 0, None
            for m in range(k, len(seq)):
                depth += 1 if _cmd(seq[m], "{", "lbrace") else -1 if _cmd(seq[m], "}", "rbrace") else 0
                if depth == 0:
                    close = m
                    break
            if close is None:
                raise self.error("an unclosed '\\{'", nd.pos)
            args, end = [seq[k + 1:close]], close + 1
        elif _cmd(nd, "sum", "prod", "lim") or (isinstance(nd, Cmd) and nd.name in ("frac", "dfrac") and
                                                 self.diff_mark(self.prepare(_kids(nd.args[0])), 0)):
            end = self.term_end(seq, k)          # \log \sum_j e^{z_j}: the whole sum
            args = [seq[k:end]]
        else:
            if name in ("max", "min", "softmax"):
                raise self.error(f"\\{name} without brackets", pos)
            end = self.factor_end(seq, k)
            if _char(nd, "0123456789") and end < len(seq) and _letter_like(seq[end]):
                # \cos 2x is cos(2x): a number times one letter right after a function name
                end = self.factor_end(seq, end)
                if end < len(seq) and (_letter_like(seq[end]) or _char(seq[end], "(")):
                    raise self.error(f"\\{name} of a number and several factors without brackets: "
                                     f"write \\{name}(...) around its argument", pos)
            args = [seq[k:end]]
        vals = [self.expr(a, pos) for a in args]
        if name == "log" and base is not None:
            if len(vals) != 1:
                raise self.error(f"\\log of {len(vals)} arguments", pos)
            value = sp.log(vals[0], base)
        elif len(vals) != 1 and f not in (sp.Max, sp.Min) and not isinstance(f, UndefinedFunction):
            raise self.error(f"\\{name} of {len(vals)} arguments", pos)
        else:
            value = f(*vals)
        if primes:
            t = sp.Dummy("t")
            value = sp.Subs(sp.Derivative(f(t), (t, primes)), t, vals[0])
        if power is not None:
            value = value ** power
        self.put(pieces, value, pos)
        self.calls.add(pieces[-1][0])
        return end

    def softmax(self, args, seq, end, pieces, pos) -> int:
        """``\\mathrm{softmax}(\\mathbf z)_i``: the i-th entry, exp(z_i) over the sum of exp(z_k)."""
        if len(args) != 1 or end + 1 >= len(seq) or not _char(seq[end], "_"):
            raise self.error("softmax of a vector is a vector: write its entry, softmax(z)_i", pos)
        inner = [x for x in args[0] if not (isinstance(x, Leaf) and x.tok.kind == "space")]
        if len(inner) != 1:
            raise self.error("softmax of something that is not a named vector", pos)
        name, _ = self.base_name(inner[0])
        name = re.sub(r"^\\mathbf\{(.*)\}$", r"\1", name)
        idx = self.index_list(seq[end + 1])
        if not idx or len(idx) != 1:
            raise self.error("softmax(z)_i takes one index", pos)
        zb = _indexed_base(name)
        k = self.symbol("k") if idx[0] != self.symbol("k") else self.symbol("m")
        n = self.size_of(zb[k], k)
        self.put(pieces, sp.exp(zb[idx[0]]) / sp.Sum(sp.exp(zb[k]), (k, 1, n)), pos)
        return end + 2

    def factor_end(self, seq: list, k: int) -> int:
        """Where one factor starting at ``k`` ends (a name with its scripts, a number, a fraction, a
        bracket, a function applied), with the powers that follow it."""
        nd = seq[k]
        if _char(nd, "(["):
            k = self.matching(seq, k) + 1
        elif _char(nd, "0123456789"):
            while k < len(seq) and _char(seq[k], "0123456789."):
                k += 1
        elif _char(nd, "-+"):
            raise self.error("a sign right after a function name: put the argument in brackets", nd.pos)
        elif isinstance(nd, Leaf) and nd.tok.kind == "cmd" and (nd.tok.name in ELEMENTARY or nd.tok.name == "sigma"
                                                                 and k + 1 < len(seq) and _char(seq[k + 1], "(")):
            k += 1
            while k < len(seq) and (_char(seq[k], "^_") or _char(seq[k], "'")):
                k += 2 if _char(seq[k], "^_") else 1
            return self.factor_end(seq, k)
        else:
            _, _, _, _, k = self.scripts(seq, k + 1)
            if k < len(seq) and _char(seq[k], "(") and isinstance(nd, Leaf) and \
                    (nd.tok.name in CONVENTIONAL_FUNCTIONS | {"sigma"} or nd.tok.name in self.ctx.functions):
                k = self.matching(seq, k) + 1
        while k + 1 < len(seq) and _char(seq[k], "^"):
            k += 2
        return k

    # --- brackets, bars, powers ------------------------------------------------------------------------
    def bracket(self, seq: list, n: int, pieces: list) -> int:
        close = self.matching(seq, n)
        inside = seq[n + 1:close]
        ind = self.indicator(inside, seq[n].pos)
        if ind is not None:
            self.put(pieces, ind, seq[n].pos)
            return close + 1
        if any(_char(x, ",") for x in inside) and not any(_char(x, "([") for x in inside):
            raise self.error("a list or an interval in brackets", seq[n].pos)
        self.operand(pieces, seq[n].pos)
        pieces.append(("(", seq[n].pos))
        pieces.extend(self.emit(inside))
        pieces.append((")", seq[close].pos))
        return close + 1

    def indicator(self, inside: list, pos: int):
        """``(h > 0)``, ``[h \\geq 0]``: the indicator of the relation (ReLU's derivative)."""
        depth = 0
        for m, x in enumerate(inside):
            rel = None
            if _opens(x):
                depth += 1
            elif _closes(x):
                depth -= 1
            if depth:
                continue
            if _char(x, "<>"):
                rel = x.tok.text
            elif isinstance(x, Leaf) and x.tok.kind == "cmd" and x.tok.name in INEQ:
                rel = INEQ[x.tok.name]
            elif _char(x, "="):
                rel = "="
            if rel is None:
                continue
            a, b = self.expr(inside[:m], pos), self.expr(inside[m + 1:], pos)
            if rel == ">":
                return sp.Heaviside(a - b, 0)
            if rel == ">=":
                return sp.Heaviside(a - b, 1)
            if rel == "<":
                return sp.Heaviside(b - a, 0)
            if rel == "<=":
                return sp.Heaviside(b - a, 1)
            if rel == "=":
                return sp.KroneckerDelta(a, b)
            raise self.error("a relation inside brackets", x.pos)
        return None

    def bars(self, seq: list, n: int, pieces: list, kind: str) -> int:
        """``|x|`` (absolute value) and ``\\|x\\|`` (a norm: of a number, its absolute value)."""
        for m in range(n + 1, len(seq)):
            if (kind == "|" and _char(seq[m], "|")) or (kind != "|" and _cmd(seq[m], "|", "rVert", "Vert")):
                inner = self.expr(seq[n + 1:m], seq[n].pos)
                if any(getattr(s, "name", "").startswith("\\mathbf") for s in inner.free_symbols):
                    raise self.error("the norm of a vector: not graded yet", seq[n].pos)
                self.put(pieces, sp.Abs(inner), seq[n].pos)
                return m + 1
        raise self.error("an unclosed '|'", seq[n].pos)

    def power(self, seq: list, n: int, pieces: list) -> int:
        """``base^{exponent}``: read here (the base is the operand just emitted), so that the skeleton
        latex2sympy2 reads has no scripts: its grammar predicts those slowly."""
        if not pieces or pieces[-1][0] in ("+", "-", "\\cdot", "/", "(", "^"):
            raise self.error("a power of nothing", seq[n].pos)
        if n + 1 >= len(seq):
            raise self.error("a '^' with no exponent", seq[n].pos)
        arg = seq[n + 1]
        if _char(arg, "-+"):
            raise self.error("a signed exponent without braces (e^-x): write e^{-x}", arg.pos)
        inner = _plain(arg).replace(" ", "")
        if inner in TRANSPOSE or inner.strip("{}") in TRANSPOSE:
            raise self.error("a transpose: vectors and matrices are not graded yet", seq[n].pos)
        if inner.strip("{}") in STAR:
            raise self.error("a star on something that is not a name", seq[n].pos)
        base_pieces = self.pop_operand(pieces, seq[n].pos)
        base = self.skeleton_expr(base_pieces, seq[n].pos)
        exponent = self.expr(_kids(arg), arg.pos)
        self.put(pieces, base ** exponent, base_pieces[0][1])
        return n + 2

    def pop_operand(self, pieces: list, pos: int) -> list:
        """Take the last operand off the skeleton: a read object, a number, a bracket, a fraction or root."""
        last = pieces[-1][0]
        if last in self.table or re.fullmatch(r"[0-9.]+", last):
            return [pieces.pop()]
        openers = ("(", "{", "\\frac{", "\\sqrt{", "\\sqrt[")
        if last in (")", "}"):
            depth, k = 0, len(pieces) - 1
            while k >= 0:
                t = pieces[k][0]
                if t in (")", "}"):
                    depth += 1
                elif t in openers:
                    depth -= 1
                    if depth == 0:
                        break
                k -= 1
            if k < 0:
                raise self.error("cannot find the base of this power", pos)
            taken = pieces[k:]
            del pieces[k:]
            return taken
        raise self.error("a power of something that is not a factor", pos)

    def evaluation_bars(self, seq: list) -> list:
        """``\\left. X \\right|_{a=0}`` and ``X \\Big|_{a=0}``: X at a = 0."""
        for m, nd in enumerate(seq):
            if (_char(nd, "|") or _cmd(nd, "|", "vert", "rvert", "Vert", "rVert")) and m + 1 < len(seq) and \
                    _char(seq[m + 1], "_") and \
                    m + 2 < len(seq) and any(_char(x, "=") for x in _kids(seq[m + 2])):
                start = max((k for k in range(m) if isinstance(seq[k], Leaf) and seq[k].tok.kind == "mark"),
                            default=None)
                if start is None:
                    start = max((k + 1 for k in range(m) if _char(seq[k], "+-")), default=0)
                    body = seq[start:m]
                else:
                    body = seq[start + 1:m]
                cond = [x for x in _kids(seq[m + 2]) if not (isinstance(x, Leaf) and x.tok.kind == "space")]
                eq = next(k for k, x in enumerate(cond) if _char(x, "="))
                var = self.expr(cond[:eq], seq[m + 2].pos)
                val = self.expr(cond[eq + 1:], seq[m + 2].pos)
                inner = self.expr(body, nd.pos)
                # an unknown derivative (a name) keeps its bar: df/dx at 0 is not df/dx
                opaque = {s: self.symbol(f"\\left.{s.name}\\right|_{{{sp.latex(var)}={sp.latex(val)}}}")
                          for s in inner.free_symbols if getattr(s, "name", "").startswith("\\frac{")}
                inner = substitute(inner, opaque) if opaque else inner
                value = sp.Subs(inner, var, val) if inner.has(sp.Derivative, Partial) else inner.subs(var, val)
                return self.evaluation_bars(seq[:start] + [Held(value, nd.pos)] + seq[m + 3:])
        return seq

    # --- commands --------------------------------------------------------------------------------------
    def command(self, seq: list, n: int, pieces: list) -> int:
        nd = seq[n]
        name = nd.name if isinstance(nd, Cmd) else nd.tok.name
        pos = nd.pos
        if isinstance(nd, Cmd):
            if name in ("frac", "dfrac", "tfrac", "cfrac"):
                return self.fraction(seq, n, pieces)
            if name == "sqrt":
                if nd.opt is not None:
                    index = self.expr(self.prepare(nd.opt.children), pos)
                    if isinstance(index, sp.Integer) and index.is_odd and index > 1:
                        # in a real-variable text an odd root of a negative number is the real root
                        radicand = self.expr(self.prepare(_kids(nd.args[0])), pos)
                        self.put(pieces, sp.real_root(radicand, index), pos)
                        return n + 1
                self.operand(pieces, pos)
                if nd.opt is not None:
                    pieces.append(("\\sqrt[", pos))
                    pieces.extend(self.emit(self.prepare(nd.opt.children)))
                    pieces.append(("]{", pos))
                else:
                    pieces.append(("\\sqrt{", pos))
                pieces.extend(self.emit(self.prepare(_kids(nd.args[0]))))
                pieces.append(("}", pos))
                return n + 1
            if name in ("binom", "dbinom", "tbinom"):
                a, b = (self.expr(_kids(x), pos) for x in nd.args)
                self.put(pieces, sp.binomial(a, b), pos)
                return n + 1
            if name in ("pdv", "dv"):
                return self.physics_derivative(seq, n, pieces)
            if name in ("norm", "abs"):
                inner = self.expr(self.prepare(_kids(nd.args[0])), pos)
                if name == "norm" and any(getattr(s_, "name", "").startswith("\\mathbf") for s_ in inner.free_symbols):
                    raise self.error("the norm of a vector: not graded yet", pos)
                self.put(pieces, sp.Abs(inner), pos)
                return n + 1
            if name in TEXT_COMMANDS or name in ("mathrm", "operatorname", "mathit") and \
                    len(_plain(nd.args[0]).strip("{} ")) > 1:
                return self.word(seq, n, pieces)
            if name in ("mathrm", "mathit", "operatorname"):
                inner = _plain(nd.args[0]).strip("{} ")
                if inner == "e" and name == "mathrm":
                    self.put(pieces, sp.E, pos)
                    return n + 1
                return self.name(seq[:n] + [Leaf(Token("char", inner, pos))] + seq[n + 1:], n, pieces)
            if name == "mathbb":
                return self.blackboard(seq, n, pieces)
            if name in DECORATIONS:
                return self.name(seq, n, pieces)
            if name == "boxed":
                self.operand(pieces, pos)
                pieces.append(("(", pos))
                pieces.extend(self.emit(self.prepare(_kids(nd.args[0]))))
                pieces.append((")", pos))
                return n + 1
            raise self.error(f"\\{name} is not read in a formula", pos)
        # commands without arguments
        if name in GREEK:
            return self.name(seq, n, pieces)
        if name in ("cdot", "times", "ast", "odot"):
            if name in ("times", "odot") and pieces and pieces[-1][0] in self.table and \
                    any(getattr(s, "name", "").startswith("\\mathbf") for s in
                        getattr(self.table[pieces[-1][0]], "free_symbols", ())):
                raise self.error(f"\\{name} of vectors: not graded yet", pos)
            pieces.append(("\\cdot", pos))
            return n + 1
        if name == "div":
            pieces.append(("/", pos))
            return n + 1
        if name in ELEMENTARY:
            return self.function(name, seq, n + 1, pieces, pos)
        if name == "infty":
            self.put(pieces, sp.oo, pos)
            return n + 1
        if name in ("sum", "prod"):
            return self.big_operator(seq, n, pieces)
        if name == "lim":
            return self.limit(seq, n, pieces)
        if name in ("partial", "nabla"):
            return self.partial_operator(seq, n, pieces)
        if name in ("lfloor", "lceil"):
            closer = "rfloor" if name == "lfloor" else "rceil"
            close = next((m for m in range(n + 1, len(seq)) if _cmd(seq[m], closer)), None)
            if close is None:
                raise self.error(f"an unclosed \\{name}", pos)
            inner = self.expr(seq[n + 1:close], pos)
            self.put(pieces, sp.floor(inner) if name == "lfloor" else sp.ceiling(inner), pos)
            return close + 1
        if name in ("|", "lVert", "Vert"):
            return self.bars(seq, n, pieces, "norm")
        if name in ("lvert", "vert"):
            return self.bars([Leaf(Token("char", "|", x.pos)) if _cmd(x, "lvert", "rvert", "vert") else x
                              for x in seq], n, pieces, "|")
        if name in ("{", "lbrace"):
            close, depth = None, 0
            for m in range(n, len(seq)):
                if _cmd(seq[m], "{", "lbrace"):
                    depth += 1
                elif _cmd(seq[m], "}", "rbrace"):
                    depth -= 1
                    if depth == 0:
                        close = m
                        break
            if close is None:
                raise self.error("an unclosed '\\{'", pos)
            fake = seq[:n] + [Leaf(Token("char", "(", pos))] + seq[n + 1:close] + \
                [Leaf(Token("char", ")", seq[close].pos))] + seq[close + 1:]
            before = len(fake) - len(seq)
            return self.bracket(fake, n, pieces) - before
        if name in ("det", "Tr", "tr", "Trace", "trace", "rank"):
            raise self.error(f"\\{name} of a matrix: vectors and matrices are not graded yet", pos)
        if name in ("ldots", "cdots", "dots", "vdots", "ddots", "dotsb", "dotsc"):
            raise self.error(f"an elided sum or product (\\{name}): write it with \\sum or \\prod", pos)
        if name in ("pm", "mp"):
            raise self.error(f"\\{name}: two formulas in one, write each", pos)
        if name in ("int", "iint", "oint"):
            raise self.error("an integral: not read yet", pos)
        if name in ("star", "circ", "otimes", "oplus", "wedge", "vee", "cup", "cap", "setminus"):
            raise self.error(f"the operator \\{name}: not read", pos)
        if name in ("in", "notin", "subset", "subseteq", "forall", "exists", "mid"):
            raise self.error(f"\\{name}: a condition, not a formula (write it as the row's reason)", pos)
        if name in ("mathbb",):
            return self.blackboard(seq, n, pieces)
        if name in ("langle", "rangle"):
            raise self.error("an inner product ⟨·,·⟩: not read yet", pos)
        if name in ("prime",):
            raise self.error("a prime on something that is not a name", pos)
        if name in ("top", "intercal"):
            raise self.error("a transpose: vectors and matrices are not graded yet", pos)
        if name in ("to", "rightarrow", "mapsto", "gets", "leftarrow"):
            raise self.error(f"an arrow (\\{name}) inside a formula", pos)
        if name == "diff" and n + 2 < len(seq) and isinstance(seq[n + 1], Group) and isinstance(seq[n + 2], Group):
            target = self.expr(self.prepare(seq[n + 1].children), pos)   # \diff{f}{x} (diffcoeff)
            var = self.expr(self.prepare(seq[n + 2].children), pos)
            self.put(pieces, self.derivative(target, [(var, 1, "")], False, None, 1), pos)
            return n + 3
        if name == "diff":
            raise self.error("\\diff outside a derivative", pos)
        raise self.error(f"unknown command \\{name}", pos)

    def word(self, seq: list, n: int, pieces: list) -> int:
        """``\\operatorname{softmax}(z)_i``, ``\\mathrm{ReLU}(a)``, ``\\text{sigmoid}(x)``: a named function."""
        nd = seq[n]
        word = _plain(nd.args[0]).strip("{} ").replace("\\", "")
        k = n + 1
        if not re.fullmatch(r"[A-Za-z]+", word):
            raise self.error(f"text inside a formula ('{word}'): write it as the row's reason", nd.pos)
        nxt = seq[k] if k < len(seq) else None
        if word in ELEMENTARY or _char(nxt, "(^_") or isinstance(nxt, Group):
            if word not in ELEMENTARY:
                if not (_char(nxt, "(") or isinstance(nxt, Group)):
                    if nd.name in TEXT_COMMANDS:
                        raise self.error(f"text inside a formula ('{word}'): write it as the row's reason", nd.pos)
                    self.put(pieces, self.symbol(word), nd.pos)
                    return k
            return self.function(word, seq, k, pieces, nd.pos)
        if nd.name in TEXT_COMMANDS:
            raise self.error(f"text inside a formula ('{word}'): write it as the row's reason", nd.pos)
        self.put(pieces, self.symbol(word), nd.pos)      # \mathrm{MSE}: one name
        return k

    def blackboard(self, seq: list, n: int, pieces: list) -> int:
        """``\\mathbb{1}[h > 0]``, ``\\mathbb{1}_{i=j}``: indicators; other blackboard letters refused."""
        nd = seq[n]
        letter = _plain(nd.args[0]).strip("{} ")
        if letter not in ("1", "I", "\\mathbb{1}"):
            raise self.error(f"\\mathbb{{{letter}}} (a set or an expectation): not read in a formula", nd.pos)
        k = n + 1
        if k < len(seq) and _char(seq[k], "_"):
            cond = [x for x in _kids(seq[k + 1]) if not (isinstance(x, Leaf) and x.tok.kind == "space")]
            value = self.indicator(cond, nd.pos)
            if value is None:
                raise self.error("an indicator without a condition", nd.pos)
            self.put(pieces, value, nd.pos)
            return k + 2
        if k < len(seq) and _char(seq[k], "(["):
            close = self.matching(seq, k)
            value = self.indicator(seq[k + 1:close], nd.pos)
            if value is None:
                raise self.error("an indicator without a condition", nd.pos)
            self.put(pieces, value, nd.pos)
            return close + 1
        if k < len(seq) and _cmd(seq[k], "{"):
            close = next((m for m in range(k + 1, len(seq)) if _cmd(seq[m], "}")), None)
            if close is not None:
                value = self.indicator(seq[k + 1:close], nd.pos)
                if value is not None:
                    self.put(pieces, value, nd.pos)
                    return close + 1
        raise self.error("an indicator without a condition", nd.pos)

    # --- fractions and derivatives ---------------------------------------------------------------------
    @staticmethod
    def diff_mark(nodes: list, k: int) -> int:
        """Length of a differential sign at ``nodes[k]`` (d, \\partial, \\mathrm{d}, \\diff), else 0."""
        if k >= len(nodes):
            return 0
        nd = nodes[k]
        if _cmd(nd, "partial", "diff"):
            return 1
        if isinstance(nd, Cmd) and nd.name in ("mathrm", "text", "operatorname") and _plain(nd.args[0]).strip("{} ") == "d":
            return 1
        if _char(nd, "d") and not (k + 1 < len(nodes) and _char(nodes[k + 1], "_")):
            return 1
        return 0

    def fraction(self, seq: list, n: int, pieces: list) -> int:
        nd = seq[n]
        num = self.prepare(_kids(nd.args[0]))
        den = self.prepare(_kids(nd.args[1]))
        if num and den and self.diff_mark(num, 0) and self.diff_mark(den, 0) and len(den) > 1:
            return self.leibniz(num, den, seq, n, pieces)
        self.operand(pieces, nd.pos)
        pieces.append(("\\frac{", nd.pos))
        pieces.extend(self.emit(num) if num else [])
        if not num:
            raise self.error("a fraction with an empty numerator", nd.pos)
        pieces.append(("}{", nd.args[1].pos))
        if not den:
            raise self.error("a fraction with an empty denominator", nd.pos)
        pieces.extend(self.emit(den))
        pieces.append(("}", nd.pos))
        return n + 1

    def leibniz(self, num: list, den: list, seq: list, n: int, pieces: list) -> int:
        """``\\frac{\\partial A}{\\partial B}``, ``\\frac{d^2 y}{dx^2}``, ``\\frac{\\partial^2 E}{\\partial w_i
        \\partial w_j}``, ``\\frac{d}{dx} X``."""
        pos = seq[n].pos
        partial = _cmd(num[0], "partial")
        k, order = 1, 1
        if k < len(num) and _char(num[k], "^"):
            o = _plain(num[k + 1]).strip("{} ")
            if not o.isdigit():
                raise self.error("a derivative of an order that is not a number", num[k].pos)
            order, k = int(o), k + 2
        target_nodes = num[k:]
        variables = []                       # [(expr, count)]
        m = 0
        while m < len(den):
            if not self.diff_mark(den, m):
                raise self.error("a derivative whose denominator is not d(variable)...", den[m].pos)
            m += 1
            start = m
            while m < len(den) and not (self.diff_mark(den, m) and m > start and not _char(den[m - 1], "_^")):
                m += 1
            vnodes = den[start:m]
            count = 1
            if len(vnodes) >= 2 and _char(vnodes[-2], "^") and _plain(vnodes[-1]).strip("{} ").isdigit():
                count = int(_plain(vnodes[-1]).strip("{} "))
                vnodes = vnodes[:-2]
            if not vnodes:
                raise self.error("a derivative with respect to nothing", den[start - 1].pos)
            variables.append((self.expr(vnodes, vnodes[0].pos), count, "".join(_plain(v) for v in vnodes)))
        if sum(c for _, c, _ in variables) != order:
            raise self.error(f"a derivative of order {order} whose denominator has another order", pos)
        end = n + 1
        if target_nodes:
            target = self.expr(target_nodes, target_nodes[0].pos)
            tname = "".join(_plain(x) for x in target_nodes)
        else:
            end = self.term_end(seq, n + 1)
            if end == n + 1:
                raise self.error("a derivative operator with nothing to differentiate", pos)
            target = self.expr(seq[n + 1:end], seq[n + 1].pos)
            tname = None
        self.put(pieces, self.derivative(target, variables, partial, tname, order), pos)
        return end

    def opaque(self, target, variables: list, partial: bool, order: int):
        """An unknown derivative: one name, as it is written (never 0)."""
        d = "\\partial" if partial else "d"
        top = f"{d}^{order} {sp.latex(target)}" if order > 1 else f"{d} {sp.latex(target)}"
        bottom = " ".join(f"{d} {sp.latex(v)}" + (f"^{c}" if c > 1 else "") for v, c, _ in variables)
        return self.symbol(f"\\frac{{{top}}}{{{bottom}}}")

    def unfolded(self, e):
        defs = self.ctx.definitions
        for _ in range(4):
            new = substitute(e, defs) if defs else e
            if new == e:
                break
            e = new
        return e

    def derivative(self, target, variables: list, partial: bool, tname: Optional[str], order: int):
        """d target / d vars; a derivative of an undefined name is an unknown quantity, never 0.

        When the variable does not appear in the target (``\\nabla_{\\mathbf w} \\ln y_n``), the names
        of the target depend on it in a way the text does not say: the derivative is taken by the
        chain rule through an unknown derivative of each name (``\\frac{1}{y_n} \\nabla_{\\mathbf w} y_n``),
        never as 0."""
        defs = self.ctx.definitions
        if isinstance(target, sp.Symbol) and target.name == "sigma" and len(variables) == 1 and order == 1:
            v = variables[0][0]
            return sp.Derivative(sigmoid(v), v)
        for v, _, _ in variables:
            if not isinstance(v, (sp.Symbol, sp.Indexed)):
                raise self.error(f"a derivative with respect to {sp.latex(v)}, not a name (is a superscript "
                                 f"a layer? write z^{{(L)}})", 0)
        if self.ctx.leibniz and order == 1 and len(variables) == 1:
            v = variables[0][0]
            return sp.Integer(1) if target == v else Partial(target, v)
        if isinstance(target, (sp.Symbol, sp.Indexed)) and (target not in defs or not any(
                self.appears(v, self.unfolded(target)) for v, _, _ in variables)):
            if order == 1 and target == variables[0][0]:
                return sp.Integer(1)
            return self.opaque(target, variables, partial, order)
        if order == 1 and len(variables) == 1 and isinstance(target, sp.Basic):
            v = variables[0][0]
            if not self.appears(v, self.unfolded(target)):
                return self.through_names(target, v, partial)
        return sp.Derivative(target, *[(v, c) for v, c, _ in variables])

    @staticmethod
    def appears(v, e) -> bool:
        """Is ``v`` a variable of ``e``? An entry ``w_{jk}`` is, wherever another entry of ``w`` is."""
        if isinstance(v, sp.Indexed):
            return any(x.base == v.base for x in e.atoms(sp.Indexed))
        return v in e.free_symbols

    def through_names(self, target, v, partial: bool):
        """The chain rule over the names of ``target``, each an unknown function of ``v`` (which
        names: :func:`derive.reading.graph.dependence_names`, the one rule the document model
        uses too)."""
        names, problem = dependence_names(target)
        if problem:
            raise self.error(f"{problem} {sp.latex(v)}: which of them depend on it?", 0)
        if len(names) > 1:
            raise self.error("a derivative through several names (" + ", ".join(sp.latex(u) for u in names[:3]) +
                             f"), none written in terms of {sp.latex(v)}: which of them depend on it?", 0)
        total = sp.Integer(0)
        for u in names:
            part = sp.diff(target, u)
            if part == 0:
                continue
            if u in self.ctx.definitions and self.appears(v, self.unfolded(u)):
                du = sp.Derivative(u, v)
            else:
                du = self.opaque(u, [(v, 1, "")], partial, 1)
            total += part * du
        return total

    def physics_derivative(self, seq: list, n: int, pieces: list) -> int:
        """``\\pdv{f}{x}``, ``\\dv{f}{x}``, ``\\pdv[2]{f}{x}``, ``\\pdv{f}{x}{y}`` (the physics package)."""
        nd = seq[n]
        order = int(_plain(nd.opt).strip("{}[] ")) if nd.opt is not None else 1
        if len(nd.args) == 1:            # \pdv{x} f: the operator, applied to the rest of the term
            var = self.expr(self.prepare(_kids(nd.args[0])), nd.pos)
            end = self.term_end(seq, n + 1)
            if end == n + 1:
                raise self.error("a derivative operator with nothing to differentiate", nd.pos)
            target = self.expr(seq[n + 1:end], seq[n + 1].pos)
            self.put(pieces, self.derivative(target, [(var, order, "")], nd.name == "pdv", None, order), nd.pos)
            return end
        target = self.expr(self.prepare(_kids(nd.args[0])), nd.pos)
        variables = [(self.expr(self.prepare(_kids(a)), a.pos), 1, _plain(a)) for a in nd.args[1:]]
        if len(variables) == 1:
            variables = [(variables[0][0], order, variables[0][2])]
        self.put(pieces, self.derivative(target, variables, nd.name == "pdv", None,
                                         sum(c for _, c, _ in variables)), nd.pos)
        return n + 1

    def partial_operator(self, seq: list, n: int, pieces: list) -> int:
        """``\\partial_x f`` and ``\\nabla_{\\mathbf w} L``: the derivative of the rest of the term."""
        nd = seq[n]
        if n + 2 >= len(seq) or not _char(seq[n + 1], "_"):
            raise self.error(f"\\{nd.tok.name} without a variable (write \\{nd.tok.name}_x f or a \\frac)", nd.pos)
        var = self.expr(self.prepare(_kids(seq[n + 2])), seq[n + 2].pos)
        end = self.term_end(seq, n + 3)
        if end == n + 3:
            raise self.error("a derivative operator with nothing to differentiate", nd.pos)
        target = self.expr(seq[n + 3:end], seq[n + 3].pos)
        self.put(pieces, self.derivative(target, [(var, 1, "")], True, None, 1), nd.pos)
        return end

    def term_end(self, seq: list, k: int) -> int:
        """The end of the product term starting at ``k``: the next + or - outside brackets."""
        depth = 0
        m = k
        while m < len(seq):
            nd = seq[m]
            if _opens(nd):
                depth += 1
            elif _closes(nd):
                depth -= 1
                if depth < 0:
                    break
            elif depth == 0 and _char(nd, "+-") and m > k and not _char(seq[m - 1], "^_"):
                break
            m += 1
        return m

    # --- sums, products, limits ------------------------------------------------------------------------
    def big_operator(self, seq: list, n: int, pieces: list) -> int:
        """``\\sum_{j=1}^{M}``, ``\\sum_j`` (j from 1 to a size n_j), ``\\sum_{k \\neq i}``, ``\\sum_{i,j}``."""
        nd = seq[n]
        kind = sp.Sum if nd.tok.name == "sum" else sp.Product
        k = n + 1
        lower = upper = None
        while k + 1 < len(seq) and _char(seq[k], "_^"):
            if _char(seq[k], "_"):
                lower = self.prepare(_kids(seq[k + 1]))
            else:
                upper = self.prepare(_kids(seq[k + 1]))
            k += 2
        end = self.term_end(seq, k)
        if end == k:
            raise self.error(f"\\{nd.tok.name} of nothing", nd.pos)
        body = self.expr(seq[k:end], seq[k].pos)
        if lower is None:
            raise self.error(f"\\{nd.tok.name} without an index (write \\{nd.tok.name}_j)", nd.pos)
        hi = self.expr(upper, nd.pos) if upper else None
        rel = next((m for m, x in enumerate(lower) if _char(x, "=") or _cmd(x, "neq", "ne", "in")), None)
        excluded = None
        if rel is not None and _char(lower[rel], "="):
            names, lo = lower[:rel], self.expr(lower[rel + 1:], nd.pos)
        elif rel is not None and _cmd(lower[rel], "neq", "ne"):
            names, lo = lower[:rel], sp.Integer(1)
            excluded = self.expr(lower[rel + 1:], nd.pos)
        elif rel is not None:
            raise self.error("a sum over a set: write its bounds", lower[rel].pos)
        else:
            names, lo = lower, sp.Integer(1)
        if hi is not None and lo.is_number and hi.is_number and (lo - hi).is_positive:
            what = ("a sum whose lower bound exceeds its upper bound (empty in most texts, -\u03a3 by SymPy's "
                    "convention): write 0 or swap the bounds") if kind is sp.Sum else (
                    "a product whose lower bound exceeds its upper bound (empty in most texts, 1/\u03a0 by "
                    "SymPy's convention): write 1 or swap the bounds")
            raise self.error(what, nd.pos)
        groups, cur = [], []
        for x in names:
            if _char(x, ","):
                groups.append(cur)
                cur = []
            else:
                cur.append(x)
        groups.append(cur)
        if len(groups) == 1 and len(names) > 1 and all(_char(x, "abcdefghijklmnopqrstuvwxyz") for x in names):
            groups = [[x] for x in names]          # \sum_{ij}: over i and j
        variables = [self.expr(g, g[0].pos) for g in groups if g]
        if not variables or not all(isinstance(v, sp.Symbol) for v in variables):
            raise self.error(f"the index of a \\{nd.tok.name} is not a letter", nd.pos)
        for v in variables:
            hidden = [x for x in body.free_symbols if v not in body.free_symbols and "_" in getattr(x, "name", "")
                      and re.search(r"(?<![A-Za-z])%s(?![A-Za-z'])" % re.escape(v.name), x.name.split("_", 1)[1])]
            if hidden:
                raise self.error(f"the index {v.name} is inside the name {hidden[0].name} here: cannot sum over it",
                                 nd.pos)
        rest = seq[end:]
        for v in variables:
            if self.index_after(rest, v.name):
                raise self.error(f"the index {v.name} of this \\{nd.tok.name} is used after its term: does the "
                                 f"\\{nd.tok.name} cover it? put its terms in brackets", nd.pos)
        value = body
        for v in reversed(variables):
            top = hi if hi is not None else self.size_of(body, v)
            value = kind(value, (v, lo, top))
        if excluded is not None:
            if len(variables) != 1 or kind is not sp.Sum:
                raise self.error("an excluded index in a product or a double sum", nd.pos)
            value = value - body.subs(variables[0], excluded)
        self.put(pieces, value, nd.pos)
        return end

    @staticmethod
    def index_after(nodes: list, name: str) -> bool:
        """Is ``name`` a subscript somewhere in ``nodes`` (outside another sum over it)?"""
        for m, nd in enumerate(nodes):
            if _cmd(nd, "sum", "prod"):
                return False
            if _char(nd, "_") and m + 1 < len(nodes) and name in re.findall(r"[A-Za-z]'*", _plain(nodes[m + 1])):
                return True
            if isinstance(nd, Group) and Reader.index_after(nd.children, name):
                return True
            if isinstance(nd, Cmd) and any(Reader.index_after(_kids(a), name) for a in nd.args):
                return True
        return False

    def size_of(self, body, v):
        """The range of an unbounded sum: the size of the family it runs over (``\\sum_i e^{a_i}`` and
        ``\\sum_j e^{a_j}`` both run over all of ``a``), or ``n_j`` when it indexes no family."""
        keys = sorted({(str(x.base.label), k, len(x.indices)) for x in body.atoms(sp.Indexed)
                       for k, ix in enumerate(x.indices) if ix == v})
        if not keys:
            return sp.Symbol(f"n_{v.name}", integer=True, positive=True)
        label, pos, count = keys[0]
        name = f"N_{{{label}}}" if count == 1 else f"N_{{{label},{pos + 1}}}"
        return sp.Symbol(name, integer=True, positive=True)

    def limit(self, seq: list, n: int, pieces: list) -> int:
        """``\\lim_{x \\to a} f``: two-sided unless ``a^+`` or ``a^-`` is written."""
        nd = seq[n]
        if n + 2 >= len(seq) or not _char(seq[n + 1], "_"):
            raise self.error("\\lim without its variable", nd.pos)
        cond = self.prepare(_kids(seq[n + 2]))
        arrow = next((m for m, x in enumerate(cond) if _cmd(x, "to", "rightarrow")), None)
        if arrow is None:
            raise self.error("\\lim without 'x \\to a'", nd.pos)
        var = self.expr(cond[:arrow], nd.pos)
        point_nodes = cond[arrow + 1:]
        direction = "+-"
        if len(point_nodes) >= 2 and _char(point_nodes[-2], "^") and _plain(point_nodes[-1]).strip("{} ") in "+-":
            direction = _plain(point_nodes[-1]).strip("{} ")
            point_nodes = point_nodes[:-2]
        point = self.expr(point_nodes, nd.pos)
        if point in (sp.oo, -sp.oo):
            direction = "-" if point == sp.oo else "+"
        end = self.term_end(seq, n + 3)
        if end == n + 3:
            raise self.error("\\lim of nothing", nd.pos)
        body = self.expr(seq[n + 3:end], seq[n + 3].pos)
        self.put(pieces, sp.Limit(body, var, point, dir=direction), nd.pos)
        return end

    # --- environments --------------------------------------------------------------------------------------
    def environment(self, seq: list, n: int, pieces: list) -> int:
        nd = seq[n]
        if nd.name in ("bmatrix", "pmatrix", "matrix", "Bmatrix"):
            rows, cur, cell = [], [], []
            for x in nd.body:
                if _is(x, "cmd", "\\"):
                    cur.append(cell)
                    rows.append(cur)
                    cur, cell = [], []
                elif _char(x, "&"):
                    cur.append(cell)
                    cell = []
                else:
                    cell.append(x)
            cur.append(cell)
            rows.append(cur)
            rows = [r for r in rows if any(self.prepare(c) for c in r)]
            if not rows or len({len(r) for r in rows}) != 1:
                raise self.error("a matrix with rows of different lengths", nd.pos)
            value = sp.ImmutableMatrix([[self.expr(c, nd.pos) for c in r] for r in rows])
            self.put(pieces, value, nd.pos)
            return n + 1
        if nd.name == "cases":
            raise self.error("cases (a piecewise definition): not read yet", nd.pos)
        raise self.error(f"the environment {nd.name} inside a formula", nd.pos)


def _relations(nodes: list) -> Optional[int]:
    """Offset of the first relation outside brackets, if any."""
    depth = 0
    for nd in nodes:
        if _char(nd, "([") or _cmd(nd, "{", "lbrace", "lfloor", "lceil"):
            depth += 1
        elif _char(nd, ")]") or _cmd(nd, "}", "rbrace", "rfloor", "rceil"):
            depth -= 1
        elif depth == 0 and (_char(nd, "=<>") or _cmd(nd, "leq", "geq", "le", "ge", "neq", "ne", "approx",
                                                          "Rightarrow", "iff", "implies", "simeq", "propto",
                                                          "equiv")):
            return nd.pos
    return None


def _drop_trailing_words(nodes: list) -> list:
    """``\\frac{1}{3} \\text{ meters}``: words after the whole formula annotate it (a unit, a remark),
    as they do at the end of a row; words anywhere else are refused."""
    k = len(nodes)
    while k and isinstance(nodes[k - 1], Leaf) and nodes[k - 1].tok.kind == "space":
        k -= 1
    if k and isinstance(nodes[k - 1], Cmd) and nodes[k - 1].name in TEXT_COMMANDS and any(
            not (isinstance(x, Leaf) and x.tok.kind == "space") for x in nodes[:k - 1]):
        return nodes[:k - 1]
    return nodes


def _check_names(expr, src: Source, pos: int):
    names: dict = {}
    for s in expr.atoms(sp.Symbol):
        if isinstance(s, sp.Dummy):
            continue
        if s.name in names and names[s.name] != s:
            raise src.error(f"the name {s.name} stands for two different symbols here", pos)
        names[s.name] = s
    return expr


def read(text: str, context: Optional[Context] = None) -> tuple:
    """``(expression, seconds spent in latex2sympy2)`` of one formula."""
    if not isinstance(text, str):
        raise TypeError("parse_latex takes a string of LaTeX")
    ctx = context or Context()
    src = Source(text, ctx.file, line_offset=(ctx.line - 1) if ctx.line and not ctx.positions else 0,
                 positions=ctx.positions or None)
    if len(text) > MAX_LENGTH:
        raise LatexParseError(f"a formula longer than {MAX_LENGTH} characters", file=ctx.file, line=ctx.line,
                              column=1, snippet=text[:80] + "...")
    nodes = parse_tree(src, tokenize(src))
    at = _relations(nodes)
    if at is not None:
        raise src.error("a relation where one formula was expected (derive grade splits rows at = itself)", at)
    nodes = _drop_trailing_words(nodes)
    reader = Reader(src, ctx)
    expr = reader.expr(nodes, 0)
    if isinstance(expr, sp.MatrixBase):
        return expr, reader.leaf_seconds
    return _check_names(expr, src, 0), reader.leaf_seconds


def parse_latex(text: str, context: Optional[Context] = None):
    """One formula (no ``=``) as a SymPy expression.

    >>> parse_latex(r"w^{(2)}_{kj} \\sigma(z_j)")
    sigmoid(z[j])*w^(2)[k, j]
    """
    return read(text, context)[0]


def name_key(name: str) -> str:
    """How the engine names what a header line ``assume NAME ...`` is about: the name read as
    the reader reads it in a formula.

    ``z`` is ``z``; ``w^{(2)}`` is the family ``w^(2)`` (every entry); ``x_1`` the entry
    ``x[1]``; ``x_k`` (a letter subscript: any entry) the family ``x``; a Greek word
    (``lambda``) the letter.

    >>> name_key("w^{(2)}"), name_key("x_1"), name_key("x_k")
    ('w^(2)', 'x[1]', 'x')
    """
    text = name.strip()
    word = re.match(r"([A-Za-z]{2,})(?=$|_|\^)", text)
    if word and word.group(1) in GREEK:
        text = "\\" + text  # "lambda" in a header is the letter \lambda, as the reader names it
    try:
        obj = parse_latex(text, Context(bound={"e"}))
    except LatexParseError:
        obj = None
    if isinstance(obj, sp.Indexed):
        return str(obj) if all(i.is_Integer for i in obj.indices) else str(obj.base.label)
    if isinstance(obj, sp.Symbol):
        return obj.name
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", text):
        return text  # a plain word: the name as written
    raise LatexParseError(f"cannot read {name!r} as one name", column=1, snippet=name)
