"""A document into displays, rows and the formulas of each row, with their places.

Only display math is graded: ``align(*)``, ``equation(*)``, ``gather(*)``, ``multline(*)``,
``eqnarray(*)``, ``displaymath``, ``\\[ \\]`` and ``$$ $$``, with nested ``aligned``,
``split``, ``gathered`` and ``alignedat`` read as rows of the display around them. One
display is one chain. Side remarks are not rows: ``&& \\text{...}``, ``\\text{since ...}``
and everything after it, ``\\because ...``, ``, \\quad i = j``, ``\\quad\\text{for } ...``,
``\\label``, ``\\tag``, a trailing ``.`` or ``,``. A row is split at its relations
(``=``, ``\\leq``, ``\\Rightarrow``, ...) outside brackets into chunks, each a formula
with the line and column in the file of every one of its characters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from ..engine.assumptions import parse_domain
from ..errors import DeriveError, LatexParseError
from .tokens import Source, Token, tokenize
from .tree import Cmd, Env, Group, Leaf, node_end, parse_tree

DISPLAY_ENVIRONMENTS = {"align", "align*", "equation", "equation*", "gather", "gather*", "multline",
                        "multline*", "eqnarray", "eqnarray*", "displaymath", "flalign", "flalign*",
                        "alignat", "alignat*", "math"}
#: environments nested in a display whose rows are rows of the display
ROW_ENVIRONMENTS = {"aligned", "split", "gathered", "alignedat", "eqnarray"}
#: environments whose line breaks continue one formula
ONE_FORMULA = {"multline", "multline*", "math"}
TEXT_COMMANDS = {"text", "textrm", "textit", "textbf", "mbox", "textnormal", "intertext"}
DROPPED = {"label", "tag", "nonumber", "notag", "eqref", "ref", "vspace"}
SPACING = {",", ";", ":", "!", " ", "\n", "\t", "small", "tiny", "Tiny", "scriptsize", "footnotesize", "large", "Large",
           "normalsize", "quad", "qquad", "enspace", "thinspace", "medspace", "thickspace",
           "hspace", "displaystyle", "textstyle"}
#: relation commands and the name the grader uses for each
RELATIONS = {"leq": "<=", "le": "<=", "leqslant": "<=", "geq": ">=", "ge": ">=", "geqslant": ">=",
             "neq": "!=", "ne": "!=", "approx": "~", "simeq": "~", "propto": "propto", "Rightarrow": "=>",
             "implies": "=>", "Longrightarrow": "=>", "iff": "<=>", "Leftrightarrow": "<=>",
             "Longleftrightarrow": "<=>", "equiv": ":=", "coloneqq": ":=", "triangleq": ":=", "eqqcolon": "=",
             "lt": "<", "gt": ">", "rightarrow": "=>", "longrightarrow": "=>", "to": "->", "mapsto": "->", "sim": "sim", "cong": "~", "doteq": ":="}
HEADER = re.compile(r"\s*%\s*derive:\s*(.*)$")


@dataclass
class Chunk:
    """One formula of a row: its text, and the (line, column) in the file of each character."""

    text: str
    positions: tuple = ()

    def where(self, column: Optional[int]) -> tuple:
        if not self.positions:
            return (None, None)
        k = min(max((column or 1) - 1, 0), len(self.positions) - 1)
        return self.positions[k]


@dataclass
class Row:
    """One row of display math: where it is, its text, its stated reason, its formulas."""

    line: int
    text: str
    reason: str = ""
    definition: bool = False
    parts: list = field(default_factory=list)   # [(relation, Chunk)]; relation "" for the first
    display: int = 0
    error: Optional[LatexParseError] = None     # a display that could not even be split into rows


@dataclass
class Document:
    rows: list
    assume: dict
    functions: list
    bound: set                                  # names the document binds (e indexed or defined)
    inline_only: bool = False
    table: object = None                        # the header's symbol table (kinds, sizes, ranges)


# --- the header ----------------------------------------------------------------------------

def read_header(text: str, file: str, table=None):
    """``% derive: assume z real; assume y 0<y<1; function g; index j in 1..M; size M;
    vector x (D); matrix W (M x D)`` lines (the last kinds go to the symbol ``table``, a
    :class:`derive.reading.symbols.SymbolTable`). Names are kept as written; the grader keys
    the assumptions as the reader names things (:func:`derive.reading.notation.name_key`)."""
    from .symbols import SymbolTable

    table = table if table is not None else SymbolTable()
    assume, functions = {}, []
    for n, line in enumerate(text.splitlines(), start=1):
        m = HEADER.match(line)
        if not m:
            continue
        for part in filter(None, (p.strip() for p in m.group(1).split(";"))):
            words = part.split(None, 2)
            if words[0] == "assume" and len(words) == 3:
                if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_^(){}]*", words[1]):
                    raise DeriveError(f"{file}:{n}: cannot read the symbol name {words[1]!r}")
                try:
                    parse_domain(words[1], words[2])
                except (ValueError, ArithmeticError) as exc:
                    raise DeriveError(f"{file}:{n}: {exc}") from None
                if words[1] in assume and assume[words[1]] != words[2]:
                    # two domains for one name: which one the author meant is not for us to guess
                    raise DeriveError(f"{file}:{n}: {words[1]} is assumed both {assume[words[1]]!r} and "
                                      f"{words[2]!r}: state one domain (e.g. a range such as '0<x<1')")
                assume[words[1]] = words[2]
            elif words[0] in ("function", "functions") and len(words) >= 2:
                names = [w.strip() for w in " ".join(words[1:]).replace(",", " ").split()]
                if not all(re.fullmatch(r"[A-Za-z]+", w) for w in names):
                    raise DeriveError(f"{file}:{n}: function names are letters")
                functions += names
            elif words[0] in ("expect",):
                continue
            elif table.read(part, n) is not None:
                problem = table.read(part, n)
                if problem:
                    raise DeriveError(f"{file}:{n}: {problem}")
            else:
                raise DeriveError(f"{file}:{n}: unknown directive {part!r} (use 'assume NAME DOMAIN', "
                                  f"'function NAME', 'index j in 1..M', 'size M', 'vector x (D)' or "
                                  f"'matrix W (M x D)')")
    return assume, functions


# --- displays ------------------------------------------------------------------------------------

def _env_at(toks: list, n: int):
    """``(name, index after '}')`` when ``toks[n]`` is ``\\begin{name}`` or ``\\end{name}``."""
    k = n + 1
    while k < len(toks) and toks[k].kind == "space":
        k += 1
    if k >= len(toks) or toks[k].kind != "open":
        return None, n + 1
    name = []
    k += 1
    while k < len(toks) and toks[k].kind != "close":
        name.append(toks[k].text)
        k += 1
    return "".join(name).strip(), k + 1


def _displays(toks: list, src: Source):
    """``(token slice of the body, body start offset)`` of each display; and whether there was inline math."""
    found, inline, n = [], False, 0
    while n < len(toks):
        t = toks[n]
        if t.kind == "cmd" and t.name == "begin":
            name, after = _env_at(toks, n)
            if name in DISPLAY_ENVIRONMENTS:
                depth, k = 0, after
                while k < len(toks):
                    if toks[k].kind == "cmd" and toks[k].name in ("begin", "end"):
                        nm, aft = _env_at(toks, k)
                        if nm == name:
                            if toks[k].name == "begin":
                                depth += 1
                            elif depth == 0:
                                break
                            else:
                                depth -= 1
                    k += 1
                if k >= len(toks):
                    raise src.error(f"\\begin{{{name}}} is not closed", t.pos)
                found.append((name, toks[after:k]))
                n = _env_at(toks, k)[1]
                continue
            n = after
            continue
        if (t.kind == "cmd" and t.text == "\\[") or (t.kind == "shift" and t.text == "$$"):
            closer = "\\]" if t.kind == "cmd" else "$$"
            k = n + 1
            while k < len(toks) and toks[k].text != closer:
                k += 1
            if k >= len(toks):
                raise src.error(f"{t.text} is not closed", t.pos)
            found.append((t.text, toks[n + 1:k]))
            n = k + 1
            continue
        if t.kind == "shift" and t.text == "$":
            inline = True
            k = n + 1
            while k < len(toks) and not (toks[k].kind == "shift"):
                k += 1
            n = k + 1
            continue
        if t.kind == "cmd" and t.text == "\\(":
            inline = True
        n += 1
    return found, inline


def _flatten(nodes: list, one_formula: bool) -> list:
    """Nested row environments inlined (their ``\\\\`` become the display's); in a multline the
    line breaks are spaces."""
    out = []
    for nd in nodes:
        if isinstance(nd, Env) and (nd.name in ROW_ENVIRONMENTS or nd.name in DISPLAY_ENVIRONMENTS):
            out.extend(_flatten(nd.body, one_formula))
        elif one_formula and isinstance(nd, Leaf) and nd.tok.kind == "cmd" and nd.tok.text == "\\\\":
            out.append(Leaf(Token("space", " ", nd.pos, 2)))
        else:
            out.append(nd)
    return out


def _is_space(nd) -> bool:
    if isinstance(nd, Leaf):
        if nd.tok.kind == "space":
            return True
        if nd.tok.kind == "char" and nd.tok.text == "~":
            return True
        return nd.tok.kind == "cmd" and nd.tok.name in SPACING
    return isinstance(nd, Cmd) and nd.name in ("hspace", "phantom", "hphantom", "vphantom")


def _text_of(nd, src: Source) -> str:
    """Plain words of a ``\\text{...}`` (nested braces and commands kept as written)."""
    arg = nd.args[0] if isinstance(nd, Cmd) and nd.args else nd
    s = src.text[arg.pos:node_end(arg)]
    if s.startswith("{") and s.endswith("}"):
        s = s[1:-1]
    return " ".join(s.replace("$", "").split())


def _cmd(nd, *names) -> bool:
    if isinstance(nd, Cmd):
        return nd.name in names
    return isinstance(nd, Leaf) and nd.tok.kind == "cmd" and nd.tok.name in names


def _char(nd, chars: str) -> bool:
    return isinstance(nd, Leaf) and nd.tok.kind == "char" and nd.tok.text in chars


def _is_function_word(nd, rest: list, src: Source) -> bool:
    """``\\text{softmax}(z)``: a word used as a function name is part of the formula."""
    if not (isinstance(nd, Cmd) and nd.name in TEXT_COMMANDS and nd.name != "intertext"):
        return False
    word = _text_of(nd, src)
    if not re.fullmatch(r"[A-Za-z]+", word):
        return False
    nxt = next((r for r in rest if not _is_space(r)), None)
    return nxt is not None and (_char(nxt, "(_^[") or isinstance(nxt, Group))


def _strip_remarks(row: list, src: Source) -> tuple[list, list]:
    """The row's formula nodes, and its remarks (stated reasons)."""
    reasons, keep = [], []
    n = 0
    while n < len(row):
        nd = row[n]
        rest = row[n + 1:]
        if _char(nd, "&") and rest and _char(rest[0], "&"):
            reasons.append(_remark_text(rest[1:], src))   # align's && column: an annotation
            break
        if _cmd(nd, *DROPPED):
            n += 1
            continue
        if _cmd(nd, "because", "since"):
            reasons.append(("because " + _remark_text(rest, src)).strip())
            break
        if _cmd(nd, "therefore", "hence", "thus"):
            n += 1
            continue
        if isinstance(nd, Cmd) and nd.name in TEXT_COMMANDS and not _is_function_word(nd, rest, src):
            words = _text_of(nd, src)
            if not _has_math(keep):
                reasons.append(words)       # "\text{where } z = ...": the reason, then the formula
                n += 1
                continue
            reasons.append((words + " " + _remark_text(rest, src)).strip())
            break
        if _char(nd, ",;") and _has_math(keep):
            nxt = next((r for r in rest if not _is_space(r) or _cmd(r, "quad", "qquad")), None)
            after = [r for r in rest if not _is_space(r)]
            condition = any(_cmd(r, "geq", "leq", "ge", "le", "neq", "ne", "in", "notin", "forall") or _char(r, "<>")
                            for r in after) and not any(_char(r, "=") for r in after)
            if condition:
                reasons.append(_remark_text(rest, src))   # ", j \geq 1": the range of a formula
                break
            if not after or any(_cmd(r, "quad", "qquad", "text", "mbox", "textrm", "forall", "hspace")
                                for r in rest[:3] + [nxt] if r is not None):
                if after:
                    reasons.append(_remark_text(rest, src))
                break
        if _cmd(nd, "quad", "qquad") and _has_math(keep):
            after = [r for r in rest if not _is_space(r)]
            if after and (_cmd(after[0], "forall", "text", "mbox", "textrm", "because", "since", "mathrm")
                          and not _is_function_word(after[0], after[1:], src)):
                reasons.append(_remark_text(after, src))
                break
        if _cmd(nd, "forall") and _has_math(keep):
            reasons.append(_remark_text(row[n:], src))
            break
        keep.append(nd)
        n += 1
    # a trailing "." or "," ends a sentence, not a formula
    while keep and (_is_space(keep[-1]) or _char(keep[-1], ".,;")):
        keep.pop()
    return keep, [r for r in reasons if r]


def _has_math(nodes: list) -> bool:
    return any(not _is_space(x) and not _char(x, "&") for x in nodes)


def _trailing_where(row: list, src: Source) -> list:
    """The formula of a trailing ``\\quad \\text{where } y = \\sigma(a)`` in the same row (else []).

    It defines ``y`` for the row's claim: read as a "where" row of its own, so a counterexample
    can never set ``y`` (or what depends on it) freely."""
    for n, nd in enumerate(row):
        if isinstance(nd, Cmd) and nd.name in TEXT_COMMANDS and _has_math(row[:n]) and \
                re.fullmatch(r"\s*where\s*", _text_of(nd, src), re.I):
            rest = list(row[n + 1:])
            while rest and (_is_space(rest[-1]) or _char(rest[-1], ".,;")):
                rest.pop()
            if sum(1 for r in rest if _char(r, "=")) == 1 and not any(_cmd(r, *TEXT_COMMANDS) for r in rest):
                return rest
            return []
    return []


def _remark_text(nodes: list, src: Source) -> str:
    if not nodes:
        return ""
    s = src.text[nodes[0].pos:node_end(nodes[-1])]
    s = re.sub(r"\\(?:text|textrm|mbox|textit|textbf|mathrm)\{([^{}]*)\}", r"\1", s)
    s = re.sub(r"\\q?quad|\\[,;:!]|&", " ", s)
    return " ".join(s.split()).strip(" ,")


def _split_relations(nodes: list) -> list:
    """``[(relation, nodes)]`` at relations outside brackets; the first relation is ""."""
    parts, cur, rel, depth, n = [], [], "", 0, 0
    while n < len(nodes):
        nd = nodes[n]
        if _char(nd, "([") or _cmd(nd, "{", "lbrace", "lfloor", "lceil"):
            depth += 1
        elif _char(nd, ")]") or _cmd(nd, "}", "rbrace", "rfloor", "rceil"):
            depth = max(depth - 1, 0)
        hit = None
        if depth == 0:
            if _char(nd, ":") and n + 1 < len(nodes) and _char(nodes[n + 1], "="):
                hit, skip = ":=", 2
            elif _char(nd, "=<>"):
                hit, skip = nd.tok.text, 1
            elif isinstance(nd, Leaf) and nd.tok.kind == "cmd" and nd.tok.name in RELATIONS:
                hit, skip = RELATIONS[nd.tok.name], 1
            elif isinstance(nd, Cmd) and nd.name in ("underset", "overset", "stackrel") and \
                    [x.tok.text for x in (nd.args[1].children if isinstance(nd.args[1], Group) else [nd.args[1]])
                     if isinstance(x, Leaf) and x.tok.kind != "space"] == ["="]:
                hit, skip = "=", 1    # \underset{\text{linearity}}{=}: an equals sign with its reason
            elif _char(nd, "!") and n + 1 < len(nodes) and _char(nodes[n + 1], "="):
                hit, skip = "!=", 2
        if hit:
            parts.append((rel, cur))
            cur, rel = [], hit
            n += skip
            continue
        cur.append(nd)
        n += 1
    parts.append((rel, cur))
    return parts


def _chunk(nodes: list, src: Source) -> Chunk:
    """The text of some nodes of the source (spaces between pieces), with positions."""
    pieces, pos, last = [], [], None
    for nd in nodes:
        if _char(nd, "&"):
            continue
        s, e = nd.pos, node_end(nd)
        if pieces and s != last:
            pieces.append(" ")
            pos.append(src.where(s))
        last = e
        pieces.append(src.text[s:e])
        pos.extend(src.where(k) for k in range(s, e))
    return Chunk("".join(pieces).strip(), tuple(pos[len("".join(pieces)) - len("".join(pieces).lstrip()):]))


def _rows_of_display(nodes: list, src: Source, one_formula: bool) -> list:
    """Rows at ``\\\\``; a row that starts with ``+``, ``-`` or ``\\cdot`` continues the one before."""
    flat = _flatten(nodes, one_formula)
    rows, cur = [], []
    skip_opt = False
    for nd in flat:
        if skip_opt == "inside":
            if _char(nd, "]"):
                skip_opt = False
            continue
        if skip_opt and not _is_space(nd):
            skip_opt = False
            if _char(nd, "["):
                skip_opt = "inside"
                continue
        if isinstance(nd, Leaf) and nd.tok.kind == "cmd" and nd.tok.text in ("\\\\", "\\cr"):
            rows.append(cur)
            cur = []
            skip_opt = True       # \\[2ex]: the spacing of the line break
            continue
        if isinstance(nd, Cmd) and nd.name == "intertext":
            rows.append(cur)
            rows.append([nd])
            cur = []
            continue
        cur.append(nd)
    rows.append(cur)
    merged = []
    for r in rows:
        first = next((x for x in r if not _is_space(x) and not _char(x, "&") and not _cmd(x, "quad", "qquad")),
                     None)
        if merged and first is not None and (_char(first, "+-") or _cmd(first, "cdot", "times")):
            merged[-1] = merged[-1] + [Leaf(Token("space", " ", first.pos, 0))] + r
        else:
            merged.append(r)
    return merged


def read_document(text: str, file: str = "<input>") -> Document:
    """Every display row of ``text`` with its formulas, reasons and places, and the header."""
    from .symbols import SymbolTable

    table = SymbolTable()
    assume, functions = read_header(text, file, table)
    src = Source(text, file)
    try:
        toks = tokenize(src)
        displays, inline = _displays(toks, src)
    except LatexParseError as exc:
        raise DeriveError(str(exc).split("\n")[0]) from None
    if not displays:
        if inline:
            raise DeriveError(f"{file}: no display math (inline $...$ is not graded; put the derivation "
                              f"in an align* or \\[ ... \\] display)")
        if any(t.kind == "cmd" and t.name in ("begin", "end") for t in toks):
            t = next(t for t in toks if t.kind == "cmd" and t.name in ("begin", "end"))
            raise DeriveError(f"{file}:{src.where(t.pos)[0]}: an environment that is not display math "
                              f"(or not closed)")
        displays = [("", toks)]                 # a bare formula file: the whole text is one display
    rows, bound = [], set()
    for number, (kind, body) in enumerate(displays):
        start_line = src.where(body[0].pos)[0] if body else 1
        try:
            nodes = parse_tree(src, body)
        except LatexParseError as exc:
            rows.append(Row(exc.line or start_line, " ".join(src.text[body[0].pos:body[-1].pos + 1].split())[:200]
                            if body else "", display=number, error=exc))
            continue
        for raw in _rows_of_display(nodes, src, kind in ONE_FORMULA):
            if len(raw) == 1 and isinstance(raw[0], Cmd) and raw[0].name == "intertext":
                continue
            math, reasons = _strip_remarks(raw, src)
            if not _has_math(math):
                continue
            first = next(x for x in math if not _is_space(x) and not _char(x, "&"))
            line = src.where(first.pos)[0]
            parts = [(rel, _chunk(_trim(ns), src)) for rel, ns in _split_relations(math)]
            why = " ".join(reasons)
            whole = _chunk(math, src).text
            defn = bool(re.match(r"\s*(let|where|define|with|set)\b", why, re.I)) or any(
                rel == ":=" for rel, _ in parts)
            _note_bindings(math, parts, bound)
            where = _trailing_where(raw, src)
            if where:      # the row's own definition, read before its claim
                wparts = [(rel, _chunk(_trim(ns), src)) for rel, ns in _split_relations(where)]
                if len(wparts) == 2 and wparts[1][0] == "=":
                    wline = src.where(where[0].pos)[0]
                    rows.append(Row(wline, " ".join(_chunk(where, src).text.split()), "where", True, wparts,
                                    number))
            rows.append(Row(line, " ".join(whole.split()), why, defn, parts, number))
    if "e" in assume or "e" in functions:
        bound.add("e")
    return Document(rows, assume, functions, bound, inline_only=False, table=table)


def _trim(nodes: list) -> list:
    """Spacing (and ``&``) at either end of a formula away."""
    a, b = 0, len(nodes)
    while a < b and (_is_space(nodes[a]) or _char(nodes[a], "&")):
        a += 1
    while b > a and (_is_space(nodes[b - 1]) or _char(nodes[b - 1], "&")):
        b -= 1
    return nodes[a:b]


def _note_bindings(math: list, parts: list, bound: set) -> None:
    """``e`` is a name of the document when it is indexed (``e_i``) or defined (``e = ...``)."""
    def walk(nodes):
        for k, nd in enumerate(nodes):
            if _char(nd, "e") and k + 1 < len(nodes) and _char(nodes[k + 1], "_"):
                bound.add("e")
            if isinstance(nd, Group):
                walk(nd.children)
            elif isinstance(nd, Cmd):
                for a in nd.args:
                    if isinstance(a, Group):
                        walk(a.children)
    walk(math)
    if len(parts) >= 2 and parts[0][1].text.strip() == "e" and parts[1][0] in ("=", ":="):
        bound.add("e")
