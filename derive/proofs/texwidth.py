"""How wide a LaTeX formula will be on the page, estimated in ems without running TeX.

The sheet breaks long formulas before ``pdflatex`` sees them, so it needs a width for a
string of math: this walks the string token by token with the widths of Computer Modern
(letters about half an em, binary operators with their spacing a little over one, scripts
at 70 %, a fraction as wide as its wider part, a matrix as its columns side by side).
It errs on the wide side; the test that compiles every sheet with the real ``pdflatex``
and fails on an overfull box is what keeps it honest.

>>> round(tex_width("a + b"), 2)
2.26
>>> tex_width(r"\\frac{1}{1 + e^{-z}}") < tex_width("1 + e^{-z} + 1")
True
"""
from __future__ import annotations

import re

#: widths in em of commands that print one thing (spacing of operators included)
COMMANDS = {
    "quad": 1.0, "qquad": 2.0, ",": 0.17, ";": 0.28, ":": 0.22, "!": -0.17, " ": 0.33,
    "cdot": 0.78, "times": 1.2, "pm": 1.2, "mp": 1.2, "odot": 1.2, "star": 1.0, "circ": 1.0, "ast": 1.0,
    "leq": 1.35, "geq": 1.35, "le": 1.35, "ge": 1.35, "neq": 1.35, "ne": 1.35, "approx": 1.35, "in": 1.2,
    "equiv": 1.35, "to": 1.5, "mapsto": 1.5, "Rightarrow": 1.5, "iff": 2.2, "sim": 1.35, "colon": 0.5,
    "ldots": 1.3, "cdots": 1.3, "dots": 1.3, "vdots": 0.5, "ddots": 1.3,
    "partial": 0.6, "infty": 1.0, "nabla": 0.85, "ell": 0.45, "checkmark": 0.8,
    "tanh": 2.0, "sinh": 1.9, "cosh": 1.9, "sin": 1.3, "cos": 1.4, "tan": 1.4, "log": 1.3, "exp": 1.5,
    "ln": 0.9, "max": 1.7, "min": 1.6, "det": 1.4, "operatorname": 0.0,
    "lfloor": 0.45, "rfloor": 0.45, "lceil": 0.45, "rceil": 0.45, "{": 0.5, "}": 0.5, "|": 0.3,
    "langle": 0.4, "rangle": 0.4, "sum": 1.45, "prod": 1.3, "int": 0.6,
    "bigl": 0.5, "bigr": 0.5, "Bigl": 0.6, "Bigr": 0.6, "biggl": 0.7, "biggr": 0.7,
    "Lambda": 0.7, "Sigma": 0.72, "Delta": 0.83, "Gamma": 0.63, "Omega": 0.72, "Phi": 0.72, "Theta": 0.78,
}
#: commands that print nothing and take no argument
SILENT = {"displaystyle", "textstyle", "scriptstyle", "small", "footnotesize", "scriptsize", "normalsize",
          "itshape", "upshape", "bfseries", "normalfont", "limits", "nolimits", "raggedright", "raggedleft",
          "nonumber", "notag", "allowbreak", "left", "right", "middle", "big", "Big", "relax", "strut"}
#: commands whose argument is printed as text, one glyph per character
TEXTUAL = {"text", "textrm", "mathrm", "textit", "mathit", "texttt", "textbf", "mathbf", "mbox", "emph",
           "textup", "textsf", "mathsf"}
#: commands whose one argument is printed as it is (a font or an accent)
TRANSPARENT = {"mathbb", "mathcal", "boldsymbol", "bm", "hat", "bar", "tilde", "vec", "dot", "ddot",
               "overline", "underline", "widehat", "widetilde", "mathrel", "mathbin", "mathop", "mathord",
               "hphantom", "phantom"}
#: commands that print nothing and take one argument
DROPPED = {"vphantom", "label", "tag", "tag*", "color", "hspace*", "vspace", "vspace*", "ref", "eqref"}
MATRICES = {"matrix", "bmatrix", "pmatrix", "vmatrix", "Bmatrix", "smallmatrix", "array", "cases"}
ROWS = {"aligned", "gathered", "split", "align", "align*", "gather", "gather*"}

_CHARS = {"+": 1.22, "-": 1.22, "=": 1.34, "<": 1.34, ">": 1.34, "(": 0.4, ")": 0.4, "[": 0.3, "]": 0.3,
          "|": 0.3, ",": 0.45, ";": 0.45, ".": 0.28, "'": 0.3, "/": 0.5, "!": 0.3, "*": 0.5, ":": 0.5}


def _skip_spaces(s: str, i: int) -> int:
    while i < len(s) and s[i] in " \t\n":
        i += 1
    return i


def _group(s: str, i: int):
    """The text of the braced group that opens at ``s[i]`` and the index after it."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] == "\\":
            continue
        if s[j] == "{" and (j == 0 or s[j - 1] != "\\"):
            depth += 1
        elif s[j] == "}" and s[j - 1] != "\\":
            depth -= 1
            if depth == 0:
                return s[i + 1:j], j + 1
    return s[i + 1:], len(s)


def _argument(s: str, i: int):
    """One argument: a braced group, a command or one character."""
    i = _skip_spaces(s, i)
    if i >= len(s):
        return "", i
    if s[i] == "{":
        return _group(s, i)
    if s[i] == "\\":
        m = re.match(r"\\([A-Za-z]+\*?|.)", s[i:])
        return m.group(0), i + len(m.group(0))
    return s[i], i + 1


def _split_top(s: str, sep: str) -> list[str]:
    """``s`` split at ``sep`` outside braces and nested environments."""
    parts, depth, env, start, i = [], 0, 0, 0, 0
    while i < len(s):
        if s.startswith("\\begin{", i):
            env += 1
        elif s.startswith("\\end{", i):
            env -= 1
        if s[i] == "\\" and not s.startswith(sep, i):
            i += 2
            continue
        if s[i] == "{":
            depth += 1
        elif s[i] == "}":
            depth -= 1
        elif depth == 0 and env == 0 and s.startswith(sep, i):
            parts.append(s[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    parts.append(s[start:])
    return parts


def _environment(s: str, i: int, name: str):
    """The body of ``\\begin{name}`` starting at ``i`` (just after it) and the index after its end."""
    depth, j = 1, i
    pat = re.compile(r"\\(begin|end)\{%s\}" % re.escape(name))
    while True:
        m = pat.search(s, j)
        if m is None:
            return s[i:], len(s)
        depth += 1 if m.group(1) == "begin" else -1
        if depth == 0:
            return s[i:m.start()], m.end()
        j = m.end()


def _text_width(text: str) -> float:
    """Text inside ``\\text{}``: about half an em a glyph, math in ``$...$`` measured as math."""
    w = 0.0
    for n, part in enumerate(re.split(r"(?<!\\)\$", text)):
        if n % 2:
            w += tex_width(part)
        else:
            plain = re.sub(r"\\[A-Za-z]+\s*", "x", part).replace("{", "").replace("}", "")
            w += sum(0.74 if ch.isupper() else 0.33 if ch == " " else 0.5 for ch in plain)
    return w


def tex_width(s: str, scale: float = 1.0) -> float:
    """The estimated width of the math-mode LaTeX ``s`` in ems of the surrounding font."""
    w, i, n = 0.0, 0, len(s)
    last_script = None  # (kind, width) of a script just set, for ^ and _ stacked on one base
    while i < n:
        c = s[i]
        script = None
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+\*?|.)", s[i:])
            name = m.group(1)
            i += len(m.group(0))
            if name in ("frac", "dfrac", "tfrac", "binom"):
                a, i = _argument(s, i)
                b, i = _argument(s, i)
                w += max(tex_width(a, scale * 0.9), tex_width(b, scale * 0.9)) + 0.3 * scale
            elif name in ("left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "big", "Big"):
                d, i = _argument(s, i)
                w += (0.0 if d == "." else 0.6) * scale
            elif name == "begin":
                env, i = _argument(s, i)
                body, i = _environment(s, i, env)
                if env == "array":
                    _, body = _group(body, _skip_spaces(body, 0)) if body.lstrip().startswith("{") else ("", body)
                rows = [re.sub(r"^\s*\[[^\]]*\]", "", r) for r in _split_top(body, "\\\\") if r.strip()]
                if env in MATRICES:
                    cells = [_split_top(r, "&") for r in rows]
                    ncol = max((len(r) for r in cells), default=0)
                    cols = [max((tex_width(r[k], scale) for r in cells if k < len(r)), default=0.0)
                            for k in range(ncol)]
                    w += sum(cols) + 0.9 * scale * max(0, ncol - 1) + 0.4 * scale
                else:
                    w += max((tex_width(r.replace("&", ""), scale) for r in rows), default=0.0)
            elif name == "sqrt":
                if i < n and s[i] == "[":
                    i = s.index("]", i) + 1
                a, i = _argument(s, i)
                w += tex_width(a, scale) + 0.9 * scale
            elif name in ("sum", "prod", "int"):
                base = COMMANDS[name] * scale
                lim = 0.0
                j = _skip_spaces(s, i)
                while j < n and s[j] in "_^":
                    a, j = _argument(s, j + 1)
                    lim = max(lim, tex_width(a, scale * 0.7))
                    j = _skip_spaces(s, j)
                i = j
                w += max(base, lim) + 0.4 * scale
            elif name in TEXTUAL or name == "operatorname":
                a, i = _argument(s, i)
                w += _text_width(a) * scale
            elif name in TRANSPARENT:
                a, i = _argument(s, i)
                w += tex_width(a, scale) + (0.5 * scale if name in ("mathrel", "mathbin") else 0.0)
            elif name in DROPPED:
                _, i = _argument(s, i)
            elif name in ("parbox", "makebox"):
                if i < n and s[i] == "[":
                    i = s.index("]", i) + 1
                width, i = _argument(s, i)
                body, i = _argument(s, i)
                m2 = re.match(r"([0-9.]*)\\(linewidth|textwidth)", width.strip())
                w += (float(m2.group(1) or 1) * 43.0 if m2 else _text_width(body)) * scale
            elif name in SILENT:
                pass
            elif name in COMMANDS:
                w += COMMANDS[name] * scale
            else:
                w += 0.6 * scale  # a Greek letter or a symbol
        elif c in "^_":
            a, i = _argument(s, i + 1)
            sw = tex_width(a, scale * 0.7)
            if last_script is not None and last_script[0] != c:
                w += max(0.0, sw - last_script[1])  # sub and sup share one column
                script = None
            else:
                w += sw
                script = (c, sw)
        elif c == "{":
            a, i = _group(s, i)
            w += tex_width(a, scale)
        elif c in " \t\n&}~":
            i += 1
            script = last_script if c in " \t\n" else None
        elif c.isdigit():
            w += 0.5 * scale
            i += 1
        elif c.isalpha():
            w += (0.8 if c in "MWmw" else 0.72 if c.isupper() else 0.52) * scale
            i += 1
        else:
            w += _CHARS.get(c, 0.55) * scale
            i += 1
        last_script = script
    return w
