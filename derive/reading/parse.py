"""LaTeX in: the notation of deep learning in front of latex2sympy2.

latex2sympy2 reads ordinary LaTeX; it does not know that ``w^{(2)}_{kj}`` is a weight of
layer 2 (not ``w`` squared), that ``\\sigma(z)`` is the sigmoid, that ``\\sigma'(z)`` is
its derivative, that ``\\frac{\\partial L}{\\partial w^{(2)}_{kj}}`` is a derivative of an
unknown loss, that ``\\delta_{ij}`` is Kronecker's delta, or that ``\\sum_j`` sums over
``j``. This module rewrites those constructs into placeholders, hands the rest to
latex2sympy2, and puts the right SymPy objects back in.

Nothing here calls ``eval``, ``exec``, ``sympify`` or ``parse_expr`` on the text: the
only parser is latex2sympy2's ANTLR grammar, and what it returns is rebuilt from SymPy
objects. What cannot be read for sure is refused with a :class:`LatexParseError` that
names the column, rather than guessed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

import sympy as sp
from sympy.core.function import AppliedUndef

from ..errors import LatexParseError
from ..calculus.functions import logit, relu, sigmoid
from ..engine.traverse import substitute

MAX_LENGTH = 5000

GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi pi "
         "rho varrho sigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon "
         "Phi Psi Omega ell").split()
#: commands latex2sympy2 (or this layer) reads; anything else is refused by name
KNOWN = set(GREEK) | set("""frac dfrac tfrac sqrt sum prod int lim cdot times div pm mp exp ln log sin cos tan
 sinh cosh tanh arcsin arccos arctan max min infty partial mathit mathrm operatorname left right lfloor rfloor
 lceil rceil begin end bmatrix pmatrix matrix to neq leq geq le ge lt gt approx mathbf boldsymbol top
 binom mathcal hat tilde""".split())
#: function names a letter followed by ``(`` is always read as (besides declared ones)
CONVENTIONAL_FUNCTIONS = {"f", "g", "h", "E", "L", "\\ell", "\\phi", "\\psi", "\\sigma", "\\theta"}
SIGMOID_NAMES = {"\\sigma", "sigma"}
RELU_NAMES = {"\\mathrm{ReLU}", "\\mathrm{relu}", "ReLU", "\\text{ReLU}", "\\operatorname{ReLU}"}

_ATOM_BASE = r"(?:\\(?:hat|tilde)\{[A-Za-z]\}|\\(?:%s)(?![A-Za-z])|[A-Za-z])" % "|".join(
    sorted(GREEK, key=len, reverse=True))
_GROUP = r"\{[^{}]*\}"


def _layer(n: int) -> str:
    return r"\^\{?\((?P<layer%d>[^(){}]+)\)\}?" % n


def _sub(n: int) -> str:
    return r"_(?P<sub%d>%s|[A-Za-z0-9])" % (n, _GROUP)


@dataclass
class Context:
    """What a document declared: function letters, definitions, where a line came from."""

    functions: set = field(default_factory=set)
    definitions: dict = field(default_factory=dict)
    file: Optional[str] = None
    line: Optional[int] = None
    #: derivatives as written (:class:`derive.reading.graph.Partial`), for the document model
    leibniz: bool = False


class _Reader:
    """One parse: the placeholder table and the text being rewritten."""

    def __init__(self, context: Context):
        self.ctx = context
        self.table: dict = {}

    def hold(self, obj) -> str:
        name = f"dv{len(self.table)}x"
        self.table[sp.Symbol("\\mathit{%s}" % name)] = obj
        return "\\mathit{%s}" % name

    def error(self, text: str, pos: int, message: str) -> LatexParseError:
        return LatexParseError(message, file=self.ctx.file, line=self.ctx.line, column=pos + 1, snippet=text)


def _matching(text: str, start: int, open_ch: str, close_ch: str) -> int:
    """Index of the bracket closing the one at ``start``, or -1."""
    depth = 0
    for n in range(start, len(text)):
        if text[n] == open_ch:
            depth += 1
        elif text[n] == close_ch:
            depth -= 1
            if depth == 0:
                return n
    return -1


def _strip_group(s: str) -> str:
    s = s.strip()
    return s[1:-1].strip() if s.startswith("{") and s.endswith("}") else s


def _index_tokens(sub: str):
    """``"kj"`` -> [k, j]; ``"k,0"`` -> [k, 0]; ``"in"``-like words -> None (part of the name)."""
    sub = _strip_group(sub).replace(" ", "")
    parts = sub.split(",") if "," in sub else list(sub)
    if not parts or len(parts) > 3 or any(not re.fullmatch(r"[A-Za-z]|\d+|[A-Za-z][+-]\d", p) for p in parts):
        return None
    if "," not in sub and len(sub) == 2 and sub.lower() in {"in", "id", "ml"}:
        return None
    out = []
    for p in parts:
        if p.isdigit():
            out.append(sp.Integer(int(p)))
        elif len(p) == 1:
            out.append(sp.Symbol(p))
        else:
            out.append(sp.Symbol(p[0]) + (1 if p[1] == "+" else -1) * int(p[2:]))
    return out


def _base_name(base: str) -> str:
    if base.startswith(("\\hat{", "\\tilde{")):
        return base  # \hat{y} stays one name, printed as written
    return base.lstrip("\\")


def _normalise(text: str) -> str:
    """Spacing and sizing commands away; synonyms to one spelling."""
    t = text
    for a, b in ((r"\left", ""), (r"\right", ""), (r"\displaystyle", " "), (r"\limits", ""), (r"\!", ""),
                 (r"\,", " "), (r"\;", " "), (r"\:", " "), (r"\quad", " "), (r"\qquad", " "), ("~", " "),
                 (r"\dfrac", r"\frac"), (r"\tfrac", r"\frac"), (r"\mathrm{d}", "d"), (r"\mathrm{e}", "e"), (r"\operatorname{ReLU}",
                 r"\mathrm{ReLU}"), (r"\text{ReLU}", r"\mathrm{ReLU}"), (r"\cdot", r" \cdot "), (r"\top", "T")):
        t = t.replace(a, b)
    t = re.sub(r"\\mathrm\{ReLU\}", r"\\mathrm{ReLU}", t)
    t = re.sub(r"\\operatorname\{(%s)\}" % _FUNCTION_COMMANDS, r"\\\1", t)
    t = re.sub(r"\\operatorname\{([A-Za-z]+)\}", r"\\mathrm{\1}", t)
    t = re.sub(r"\\mathcal\{([A-Za-z])\}", r"\1", t)  # \mathcal{L}: the loss L
    t = re.sub(r"\\log(?![A-Za-z_])", r"\\ln", t)  # log is the natural logarithm in this field
    t = re.sub(r"\\left|\\right|\\big[lr]?|\\Big[lr]?", "", t)
    return _braced_calls(t)


_FUNCTION_COMMANDS = r"tanh|sinh|cosh|sin|cos|tan|exp|ln|log|arcsin|arccos|arctan"


def _braced_calls(t: str) -> str:
    """``\\tanh{(z)}`` (how SymPy prints a call) as ``\\tanh(z)``: the braces are only grouping."""
    out, pos = [], 0
    for m in re.finditer(r"\\(?:%s)(?:\^\{[^{}]*\}|\^\d)?\{" % _FUNCTION_COMMANDS, t):
        if m.start() < pos:
            continue
        open_at = m.end() - 1
        close = _matching(t, open_at, "{", "}")
        if close < 0:
            continue
        inner = _braced_calls(t[open_at + 1:close].strip())
        out.append(t[pos:open_at])
        out.append(inner if inner.startswith("(") and _matching(inner, 0, "(", ")") == len(inner) - 1
                   else "(" + inner + ")")
        pos = close + 1
    out.append(t[pos:])
    return "".join(out)


def _check_characters(text: str, reader: _Reader) -> None:
    for n, ch in enumerate(text):
        if ord(ch) < 32 and ch not in "\t\n\r":
            raise reader.error(text, n, "a control character")
    depth = 0
    for n, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                raise reader.error(text, n, "a '}' closes nothing")
    if depth:
        raise reader.error(text, len(text) - 1, f"{depth} unclosed '{{'")
    for m in re.finditer(r"\\([A-Za-z]+)", text):
        if m.group(1) not in KNOWN and m.group(1) not in ("text", "ReLU"):
            raise reader.error(text, m.start(), f"unknown command \\{m.group(1)}")
    if "\\text" in text:
        raise reader.error(text, text.index("\\text"), "text inside a formula (write it as the line's reason)")


def _operand(text: str, start: int):
    """The operand of an operator written in front of it: a bracketed group (with its power)
    or one product term, up to a ``+``, ``-`` or relation at bracket depth 0."""
    n = start
    while n < len(text) and text[n] == " ":
        n += 1
    if n >= len(text):
        return None
    if text[n] in "({[":
        close = {"(": ")", "{": "}", "[": "]"}[text[n]]
        end = _matching(text, n, text[n], close)
        if end < 0:
            return None
        m = re.match(r"\^(\{[^{}]*\}|[0-9A-Za-z])", text[end + 1:])
        if m:
            return text[n:end + 1 + len(m.group(0))], end + 1 + len(m.group(0))
        return text[n + 1:end], end + 1
    depth, k = 0, n
    while k < len(text):
        ch = text[k]
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and ch in "+-=<>&" and k > n:
            break
        k += 1
    return (text[n:k], k) if k > n else None


def _rewrite_derivatives(text: str, reader: _Reader) -> str:
    """``\\frac{\\partial A}{\\partial B}``, ``\\frac{d}{dx} X`` and friends into placeholders."""
    pat = re.compile(r"\\frac\{\s*(?P<d1>\\partial|d)\s*(?P<num>[^{}]*(?:\{[^{}]*\}[^{}]*)*)\}"
                     r"\{\s*(?P<d2>\\partial|d)\s*(?P<den>[^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")
    while True:
        m = pat.search(text)
        if not m:
            return text
        var = _parse(m.group("den"), reader)
        num = m.group("num").strip()
        if num:
            target = _parse(num, reader)
            end = m.end()
        else:
            got = _operand(text, m.end())
            if got is None:
                raise reader.error(text, m.start(), "a derivative operator with nothing to differentiate")
            target = _parse(got[0], reader)
            end = got[1]
        text = text[:m.start()] + " " + reader.hold(_derivative(target, var, reader)) + " " + text[end:]


def _derivative(target, var, reader: _Reader):
    """d target / d var; a derivative of an undefined name is an opaque quantity, never 0."""
    defs = reader.ctx.definitions
    if isinstance(target, sp.Symbol) and target.name in ("sigma", "\\sigma"):
        return sp.Derivative(sigmoid(var), var)  # d\sigma/da: the sigmoid's derivative
    if reader.ctx.leibniz and isinstance(var, (sp.Symbol, sp.Indexed)):
        from .graph import Partial  # the document model gives it its meaning

        return sp.Integer(1) if target == var else Partial(target, var)
    if isinstance(target, (sp.Symbol, sp.Indexed)) and target not in defs:
        if target == var:
            return sp.Integer(1)
        return sp.Symbol(f"\\frac{{\\partial {sp.latex(target)}}}{{\\partial {sp.latex(var)}}}", real=True)
    return sp.Derivative(target, var)


def _call_brackets(text: str, m, reader: _Reader):
    """Where the brackets of a call matched by ``m`` (ending at its ``(``) open and close."""
    open_at = m.end() - 1
    close = _matching(text, open_at, "(", ")")
    if close < 0:
        raise reader.error(text, open_at, "an unclosed '('")
    return open_at, close


def _rewrite_primes(text: str, reader: _Reader) -> str:
    """``g'(z)``, ``\\sigma''(z)``: the derivative of a function at a point."""
    pat = re.compile(r"(?P<name>\\mathrm\{ReLU\}|%s)(?P<sub>_(?:\{[^{}]*\}|[A-Za-z0-9]))?(?P<primes>'+)\s*\(" % _ATOM_BASE)
    while True:
        m = pat.search(text)
        if not m:
            return text
        open_at, close = _call_brackets(text, m, reader)
        arg = _parse(text[open_at + 1:close], reader)
        f = _function(m.group("name") + (m.group("sub") or ""), reader, text, m.start())
        t = sp.Dummy("t")
        obj = sp.Subs(sp.Derivative(f(t), (t, len(m.group("primes")))), t, arg)
        text = text[:m.start()] + " " + reader.hold(obj) + " " + text[close + 1:]


def _split_args(inner: str) -> list:
    """Arguments of a call, split at commas of depth 0."""
    args, depth, cur = [], 0, []
    for ch in inner:
        if ch in "({[":
            depth += 1
        elif ch in ")}]":
            depth -= 1
        if ch == "," and depth == 0:
            args.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    args.append("".join(cur))
    return args


def _is_function_name(base: str, reader: _Reader) -> bool:
    if base.startswith("\\mathrm{"):
        return True  # an upright multi-letter name before "(" names a function (softplus, ReLU)
    return (base in CONVENTIONAL_FUNCTIONS or base in SIGMOID_NAMES or base in RELU_NAMES
            or base.lstrip("\\") in reader.ctx.functions)


def _rewrite_calls(text: str, reader: _Reader) -> str:
    """``\\sigma(-z)``, ``g_l(z_j)``, ``\\mathrm{ReLU}(a)``, ``E(w)``: applications of functions."""
    pat = re.compile(r"(?<![A-Za-z\\])(?P<name>\\mathrm\{[A-Za-z]+\}|%s)(?P<sub>_(?:\{[^{}]*\}|[A-Za-z0-9]))?"
                     r"(?P<inv>\^\{\s*-\s*1\s*\}|\^-1)?(?P<pow>\^\{\s*\d\s*\}|\^\d)?\s*\(" % _ATOM_BASE)
    pos = 0
    while True:
        m = pat.search(text, pos)
        if not m:
            return text
        open_at, close = _call_brackets(text, m, reader)
        pieces = _split_args(text[open_at + 1:close])
        # a letter before "(" is a product unless it names a function, or the brackets hold
        # a list (y_k(x, w)), which no product can mean
        if not _is_function_name(m.group("name"), reader) and len(pieces) < 2:
            pos = m.start() + 1
            continue
        args = [_parse(a, reader) for a in pieces]
        name = m.group("name") + (m.group("sub") or "")
        f = _function(name, reader, text, m.start()) if _is_function_name(m.group("name"), reader) \
            else sp.Function(re.sub(r"[{}\\]", "", name))
        if m.group("inv"):
            if f is not sigmoid:
                raise reader.error(text, m.start(), "an inverse of a function other than the sigmoid")
            f = logit
        value = f(*args)
        if m.group("pow"):  # \sigma^{2}(z) is sigma(z) squared, as \tanh^2(x) is
            value = value ** int(re.sub(r"\D", "", m.group("pow")))
        text = text[:m.start()] + " " + reader.hold(value) + " " + text[close + 1:]
        pos = m.start()


def _rewrite_iverson(text: str, reader: _Reader) -> str:
    """``(h > 0)`` and ``[h > 0]``: the indicator, ReLU's derivative (``\\geq`` counts 0 in)."""
    n = 0
    while n < len(text):
        if text[n] in "([":
            close = _matching(text, n, text[n], ")" if text[n] == "(" else "]")
            if close > 0:
                parts = split_relations(text[n + 1:close])
                if len(parts) == 2 and parts[1][0] in (">", ">=") and parts[1][1].strip() == "0":
                    arg = _parse(parts[0][1], reader)
                    obj = sp.Heaviside(arg, 0 if parts[1][0] == ">" else 1)
                    text = text[:n] + " " + reader.hold(obj) + " " + text[close + 1:]
                    continue
        n += 1
    return text


def _function(name: str, reader: _Reader, text: str = "", pos: int = 0):
    """The function a name denotes: sigmoid, ReLU, tanh, or a declared/conventional letter."""
    base = re.sub(r"_\{?([^{}]*)\}?$", "", name)
    if base in SIGMOID_NAMES:
        return sigmoid
    if name in RELU_NAMES or base in RELU_NAMES:
        return relu
    if base in ("\\tanh", "tanh"):
        return sp.tanh
    if base.startswith("\\mathrm{"):
        return sp.Function(base[len("\\mathrm{"):-1])
    if base in CONVENTIONAL_FUNCTIONS or base.lstrip("\\") in reader.ctx.functions:
        return sp.Function(re.sub(r"[{}\\]", "", name))
    raise reader.error(text or name, pos, f"is '{name}(...)' a function or a product? declare it with "
                                         f"'% derive: function {base.lstrip(chr(92))}'")


def _rewrite_atoms(text: str, reader: _Reader) -> str:
    """Layer-indexed and subscripted names into Indexed objects; \\delta_{ij} into Kronecker's delta."""
    pats = [
        re.compile(r"(?P<base>%s)(?P<star>\^\*|\^\{\s*\*\s*\}|\^\{\\ast\})" % _ATOM_BASE),
        re.compile(r"(?P<base>%s)%s(?:%s)?" % (_ATOM_BASE, _layer(0), _sub(0))),
        re.compile(r"(?P<base>%s)%s%s" % (_ATOM_BASE, _sub(1), _layer(1))),
        re.compile(r"(?P<base>%s)%s" % (_ATOM_BASE, _sub(2))),
    ]
    out, pos = [], 0
    while pos < len(text):
        if text[pos] == "\\" and not re.match(_ATOM_BASE, text[pos:]):
            m = re.match(r"\\[A-Za-z]+", text[pos:])
            step = len(m.group(0)) if m else 2
            out.append(text[pos:pos + step])
            pos += step
            continue
        if pos > 0 and (text[pos - 1].isalpha() and text[pos].isalpha()):
            out.append(text[pos])
            pos += 1
            continue
        m = None
        for n, p in enumerate(pats):
            m = p.match(text, pos)
            if m:
                break
        if not m:
            if text[pos] == "E" and not text[pos + 1:pos + 2].isalpha():
                out.append(" " + reader.hold(sp.Symbol("E", real=True)) + " ")  # the lexer takes E for 1E5
            else:
                out.append(text[pos])
            pos += 1
            continue
        d = m.groupdict()
        base = m.group("base")
        if d.get("star"):
            out.append(" " + reader.hold(sp.Symbol(_base_name(base) + "^*", real=True)) + " ")
            pos = m.end()
            continue
        layer = next((d[k] for k in d if k.startswith("layer") and d[k]), None)
        sub = next((d[k] for k in d if k.startswith("sub") and d[k]), None)
        after = text[m.end():].lstrip()
        is_call = after.startswith("(") and (base in CONVENTIONAL_FUNCTIONS or base.lstrip("\\") in
                                             reader.ctx.functions or base in SIGMOID_NAMES)
        if is_call or base == "e" and not layer and not sub:
            out.append(m.group(0))
            pos = m.end()
            continue
        obj = _atom(base, layer, sub)
        if obj is None:
            out.append(m.group(0))
        else:
            out.append(" " + reader.hold(obj) + " ")
        pos = m.end()
    return "".join(out)


def _atom(base: str, layer: Optional[str], sub: Optional[str]):
    name = _base_name(base)
    if layer is None and name == "delta" and sub is not None:
        idx = _index_tokens(sub)
        if idx is not None and len(idx) == 2:
            return sp.KroneckerDelta(*idx)
    label = f"{name}^({layer.strip()})" if layer else name
    if sub is None:
        return sp.Symbol(label, real=True)
    idx = _index_tokens(sub)
    if idx is None:
        return sp.Symbol(f"{label}_{_strip_group(sub)}", real=True)
    return sp.IndexedBase(label, real=True)[tuple(idx)] if len(idx) > 1 else sp.IndexedBase(label, real=True)[idx[0]]


def _rewrite_sums(text: str, reader: _Reader) -> str:
    """``\\sum_j`` and ``\\sum_{j}`` (no bounds) sum over j from 1 to a size n_j."""
    def repl(m):
        var = m.group(1) or m.group(2)
        size = reader.hold(sp.Symbol(f"n_{var}", integer=True, positive=True))
        return r"\sum_{%s=1}^{%s}" % (var, size)

    return re.sub(r"\\sum_(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))(?!\s*=)(?!\^)", repl, text)


def _call_latex2sympy(text: str, reader: _Reader):
    from latex2sympy2 import latex2sympy  # imported here: derive check never needs the parser

    if "\\variable" in text:
        raise reader.error(text, text.index("\\variable"), "\\variable is not supported")
    try:
        return latex2sympy(text)
    except RecursionError:
        raise reader.error(text, 0, "too deeply nested") from None
    except Exception as exc:  # latex2sympy2 raises bare Exceptions with a caret line
        lines = str(exc).splitlines()
        col = len(lines[2]) - 1 if len(lines) >= 3 and lines[2].endswith("^") else 0
        raise reader.error(text, max(col, 0), lines[0] if lines else "cannot read this") from None


def _finish(expr, reader: _Reader, text: str):
    """Placeholders back, function names to functions, log to the natural log."""
    if isinstance(expr, list):
        raise reader.error(text, 0, "a list where one formula was expected")
    if isinstance(expr, sp.MatrixBase):
        return sp.ImmutableMatrix(expr.applyfunc(lambda e: _finish(e, reader, text)))
    if not isinstance(expr, sp.Basic):
        raise reader.error(text, 0, "not a formula")
    funcs = {}
    for f in expr.atoms(AppliedUndef):
        name = str(f.func)
        if name.startswith("\\mathit{"):
            raise reader.error(text, 0, "a product written as a function call")
        funcs[f.func] = _function(name, reader, text, 0)
    if funcs:
        expr = expr.replace(lambda e: isinstance(e, AppliedUndef) and e.func in funcs,
                            lambda e: funcs[e.func](*e.args))
    if reader.table:
        expr = substitute(expr, reader.table)
    expr = expr.replace(lambda e: isinstance(e, sp.log) and len(e.args) == 2 and e.args[1] in (10, sp.E),
                        lambda e: sp.log(e.args[0]))
    return expr


def _realify(expr, reader: _Reader, text: str):
    """Free symbols real (the field's convention), once, on the whole formula.

    Done at the top only, and to every symbol of a name at once (bound or free): an index
    bound by a sum, and the same index inside a derivative or a call, must stay one symbol.
    Two different symbols with one name would print alike and mean different things, so
    that is refused rather than passed on.
    """
    syms = {s: sp.Symbol(s.name, real=True) for s in expr.atoms(sp.Symbol)
            if not isinstance(s, sp.Dummy) and s.is_real is None and not s.name.startswith("\\mathit")}
    if syms:
        expr = substitute(expr, syms)
    names: dict = {}
    for s in expr.atoms(sp.Symbol):
        if s.name in names and names[s.name] != s and not isinstance(s, sp.Dummy):
            raise reader.error(text, 0, f"the name {s.name} stands for two different symbols here")
        names[s.name] = s
    return expr


def _parse(text: str, reader: _Reader):
    t = _rewrite_derivatives(text, reader)
    t = _rewrite_primes(t, reader)
    t = _rewrite_calls(t, reader)
    t = _rewrite_iverson(t, reader)
    t = _rewrite_sums(t, reader)
    t = _rewrite_atoms(t, reader)
    # what is left before "(" is a factor (functions were taken out above): say so, or the
    # grammar would read x(y) as a call of an unknown function x
    t = re.sub(r"(\\mathit\{dv\d+x\}|(?<![\\A-Za-z])[A-Za-z])\s*\(", r"\1 \\cdot (", t)
    if not t.strip():
        raise reader.error(text, 0, "an empty formula")
    return _finish(_call_latex2sympy(t, reader), reader, text)


def parse_latex(text: str, context: Optional[Context] = None):
    """One formula (no ``=``) as a SymPy expression.

    >>> parse_latex(r"w^{(2)}_{kj} \\sigma(z_j)")
    sigmoid(z[j])*w^(2)[k, j]
    """
    if not isinstance(text, str):
        raise TypeError("parse_latex takes a string of LaTeX")
    ctx = context or Context()
    reader = _Reader(ctx)
    if len(text) > MAX_LENGTH:
        raise reader.error(text[:80] + "...", 0, f"a formula longer than {MAX_LENGTH} characters")
    _check_characters(text, reader)
    parts = split_relations(text)
    if len(parts) > 1:
        raise reader.error(text, len(parts[0][1]), "a relation where one formula was expected "
                                                   "(derive grade splits lines at = itself)")
    if re.search(r"\^\s*\{?\s*(T|\\top|\\intercal)\s*\}?|\^\{\([^(){}]*\)\s*T\s*\}", text):
        m = re.search(r"\^\s*\{?\s*(T|\\top|\\intercal)|T\s*\}", text)
        raise reader.error(text, m.start() if m else 0, "a transpose: vectors and matrices are not graded yet")
    return _realify(_parse(_normalise(text), reader), reader, text)


RELATION_TOKENS = [(r"\Leftrightarrow", "<=>"), (r"\iff", "<=>"), (r"\Rightarrow", "=>"), (r"\implies", "=>"),
                   (r"\Longrightarrow", "=>"), (r"\leq", "<="), (r"\geq", ">="), (r"\le", "<="), (r"\ge", ">="),
                   (r"\neq", "!="), (r"\approx", "~"), (r"\triangleq", ":="), (r"\coloneqq", ":="), (":=", ":="), ("=", "="), ("<", "<"), (">", ">")]


def split_relations(text: str) -> list:
    """``a = b \\leq c`` -> ``[("", "a"), ("=", "b"), ("<=", "c")]`` at brace depth 0."""
    parts, cur, rel, depth, n = [], [], "", 0, 0
    while n < len(text):
        ch = text[n]
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        if depth == 0:
            hit = next(((tok, name) for tok, name in RELATION_TOKENS if text.startswith(tok, n)
                        and not (tok[0] == "\\" and text[n + len(tok):n + len(tok) + 1].isalpha())), None)
            if hit:
                parts.append((rel, "".join(cur)))
                cur, rel = [], hit[1]
                n += len(hit[0])
                continue
        cur.append(ch)
        n += 1
    parts.append((rel, "".join(cur)))
    return parts
