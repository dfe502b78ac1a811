"""The adversarial attempts as data, and an independent judge of their truth.

Nothing here asks ``derive`` anything: the truth of every attempt (and of every counterexample
``derive`` returns) is decided with plain SymPy and mpmath. Derive's activations (``sigmoid``,
``relu``, ``logit``) are only used to *build* inputs; before anything is evaluated here they are
replaced by their textbook definitions (``plain``), with the convention ReLU'(0) = 0.
"""
from __future__ import annotations

import random
import re
from fractions import Fraction

import mpmath
import sympy as sp

DIGITS = 60
TOL = sp.Float(10) ** -40

# --------------------------------------------------------------------------- attempts


def api(id, cls, lhs, rhs, truth, *, witness=None, assume=None, rel="==", why="", timeout=10.0,
        check=None, errors_ok=False, side=False, ranges=None):
    """An ``equal``/``compare`` attempt: ``lhs rel rhs`` under ``assume``.

    truth: "true" (holds for every point of the domain) or "false" (``witness`` is a point of
    the domain where it fails, or ``check`` is a callable that proves it fails).
    errors_ok: a ValueError/TypeError with a message is an acceptable answer (API misuse).
    side: the statement fails only where a side is undefined; "proved" is acceptable when the
    verdict names the excluded set.
    ranges: {index: (lo, size name)}: a free index is a valid index lo..size (derive's stated
    convention for an index that subscripts a family); a counterexample must respect it.
    """
    return dict(id=id, cls=cls, kind="api", lhs=lhs, rhs=rhs, rel=rel, truth=truth, witness=witness,
                assume=assume or {}, why=why, timeout=timeout, check=check, errors_ok=errors_ok,
                side=side, ranges=ranges or {})


def gr(id, cls, tex, truth, *, claim=None, premise=None, witness=None, assume=None, why="",
       check=None, side=False, timeout=10.0, ranges=None):
    """A ``grade`` attempt: a LaTeX file whose *last* checked row is the claim under test.

    claim: (lhs, rhs) of that row written independently in SymPy (or None for rows without free
    symbols); premise: (lhs, rhs) of the equation it is claimed to follow from (``\\Rightarrow``).
    Every earlier row of the file is true, so any refutation of an earlier row is a false one.
    """
    return dict(id=id, cls=cls, kind="grade", tex=tex, truth=truth, claim=claim, premise=premise,
                witness=witness, assume=assume or {}, why=why, check=check, side=side,
                timeout=timeout, ranges=ranges or {})


def cli(id, cls, *, content=None, args=(), truth="hostile", why="", setup=None, expect_rc=(0, 1, 2),
        claim=None, witness=None, assume=None, check=None, marker=None, time_bound=60.0,
        located=None):
    """A ``derive grade`` command-line attempt on a file written from ``content`` (bytes or str).

    truth: "hostile" (any verdict or a located error is fine), or "true"/"false" as above for
    the graded derivation (``--against``: the verdict against the built-in proof).
    setup: callable(tmpdir) -> path (and extra files) instead of ``content``.
    marker: a file name that hostile code would create; it must not exist afterwards.
    located: a regex stderr must match when the exit code is 2 (default: the file's name and a
    line number).
    """
    return dict(id=id, cls=cls, kind="cli", content=content, args=tuple(args), truth=truth, why=why,
                setup=setup, expect_rc=tuple(expect_rc), claim=claim, witness=witness,
                assume=assume or {}, check=check, marker=marker, time_bound=time_bound,
                located=located)


# --------------------------------------------------------------------------- plain SymPy


def plain(expr):
    """Replace derive's activations by their definitions (independent of derive's code)."""
    from derive import logit, relu, sigmoid

    expr = sp.sympify(expr)
    expr = expr.replace(lambda e: isinstance(e, sigmoid), lambda e: 1 / (1 + sp.exp(-e.args[0])))
    expr = expr.replace(lambda e: isinstance(e, logit), lambda e: sp.log(e.args[0] / (1 - e.args[0])))
    expr = expr.replace(lambda e: isinstance(e, relu),
                        lambda e: sp.Piecewise((e.args[0], e.args[0] > 0), (0, True)))
    return expr


def norm(name: str) -> str:
    """A name with its LaTeX/Python decorations removed: 'x[1]', 'x_1', 'x_{1}' -> 'x1'."""
    return re.sub(r"[\s{}\\^()\[\]_,]", "", str(name))


def parse_value(text):
    """A counterexample value as derive prints it: a number, 'a + b*I', a Lambda, a matrix."""
    if isinstance(text, sp.Basic):
        return text
    if isinstance(text, (int, float)):
        return sp.nsimplify(text) if isinstance(text, int) else sp.Float(text)
    text = str(text).strip()
    try:
        f = Fraction(text)
        return sp.Rational(f.numerator, f.denominator)
    except (ValueError, ZeroDivisionError):
        pass
    if text.startswith("[[") and "'" in text:  # a matrix, as rows of printed entries
        import ast

        rows = ast.literal_eval(text)
        return sp.ImmutableMatrix([[parse_value(v) for v in row] for row in rows])
    if not re.fullmatch(r"[\w\s\[\]\(\)\+\-\*/\.,]*", text):
        raise ValueError(f"unreadable value {text!r}")
    value = sp.sympify(text, locals={"I": sp.I, "Lambda": sp.Lambda, "E": sp.E, "pi": sp.pi},
                       rational=True)
    if isinstance(value, (list, tuple)):
        return sp.ImmutableMatrix(value)
    return value


# --------------------------------------------------------------------------- domains


_RANGE = re.compile(r"^\s*(?:([-+\d./]+)\s*(<=|<)\s*)?([A-Za-z]\w*)\s*(?:(<=|<|>=|>)\s*([-+\d./]+))?\s*$")


def in_domain(spec: str, value) -> bool:
    """Is ``value`` inside the domain written ``spec`` (the assumption strings of the API)?"""
    spec = spec.strip()
    v = sp.nsimplify(value) if not isinstance(value, sp.Basic) else value
    if spec == "complex":
        return bool(v.is_finite)
    real = v.is_extended_real and v.is_finite
    words = {
        "real": real,
        "positive": real and v > 0,
        "negative": real and v < 0,
        "nonnegative": real and v >= 0,
        "nonpositive": real and v <= 0,
        "nonzero": real and v != 0,
        "integer": bool(v.is_integer),
        "positive integer": bool(v.is_integer) and v > 0,
        "nonnegative integer": bool(v.is_integer) and v >= 0,
    }
    if spec in words:
        return bool(words[spec])
    m = _RANGE.match(spec)
    if not m or not real:
        return False
    lo, op1, _, op2, hi = m.groups()
    ok = True
    if lo is not None:
        lo = sp.Rational(Fraction(lo))
        ok &= bool(v > lo) if op1 == "<" else bool(v >= lo)
    if hi is not None:
        hi = sp.Rational(Fraction(hi))
        ok &= {"<": v < hi, "<=": v <= hi, ">": v > hi, ">=": v >= hi}[op2] is sp.true
    return bool(ok)


def symbol_domain_ok(sym, value) -> bool:
    """A value respects the assumptions carried by the SymPy symbol itself."""
    checks = [("positive", lambda v: v > 0), ("negative", lambda v: v < 0),
              ("nonnegative", lambda v: v >= 0), ("nonpositive", lambda v: v <= 0),
              ("integer", lambda v: v.is_integer), ("zero", lambda v: v == 0)]
    if isinstance(value, sp.MatrixBase) or isinstance(value, sp.Lambda):
        return True
    if getattr(sym, "is_extended_real", None) and not (value.is_extended_real and value.is_finite):
        return False
    if getattr(sym, "is_nonzero", None) and value == 0:
        return False
    for name, test in checks:
        if getattr(sym, f"is_{name}", None) is True and not bool(test(value)):
            return False
    return True


# --------------------------------------------------------------------------- evaluation


def atoms_of(*exprs):
    """The named objects a point must give a value to: symbols, entries, matrices, functions."""
    out = {}
    for e in exprs:
        if e is None:
            continue
        e = sp.sympify(e)
        labels = {b.label for b in e.atoms(sp.IndexedBase)}
        for s in e.free_symbols:
            if isinstance(s, (sp.Symbol, sp.MatrixSymbol)) and s not in labels:
                out.setdefault(norm(s.name), []).append(s)
        for s in e.atoms(sp.MatrixSymbol):
            out.setdefault(norm(s.name), []).append(s)
        for s in e.atoms(sp.Indexed):
            out.setdefault(norm(str(s)), []).append(s)
        for f in e.atoms(sp.core.function.AppliedUndef):
            out.setdefault(norm(f.func.__name__), []).append(f.func)
    return {k: list(dict.fromkeys(v)) for k, v in out.items()}


def exact_floats(expr):
    """A float is its exact binary value."""
    return expr.xreplace({fl: sp.Rational(fl) for fl in expr.atoms(sp.Float)})


def substitute(expr, point: dict):
    """Evaluate ``expr`` at ``point`` ({name: value}) exactly: functions, then derivatives (with
    real variables where the point is real), sizes, sums, entries. Returns a SymPy object without
    free symbols, or raises KeyError naming what is missing."""
    expr = exact_floats(plain(sp.sympify(expr)))
    values = {norm(k): v for k, v in point.items()}
    for key, objs in atoms_of(expr).items():
        for o in objs:
            if isinstance(o, sp.core.function.UndefinedFunction) and key in values:
                lam = values[key]
                expr = expr.replace(lambda e, o=o: getattr(e, "func", None) == o,
                                    lambda e, lam=lam: lam(*e.args))
    real = {s: sp.Symbol(s.name, real=True, **{a: True for a in ("integer", "positive", "negative",
                                                                 "nonnegative", "nonpositive")
                                               if getattr(s, f"is_{a}", None)})
            for s in expr.free_symbols if isinstance(s, sp.Symbol)
            and norm(s.name) in values and getattr(values[norm(s.name)], "is_extended_real", False)}
    expr = expr.xreplace(real)
    expr = expr.replace(lambda e: isinstance(e, (sp.Derivative, sp.Subs)), lambda e: e.doit())
    for _ in range(4):
        subs = {}
        for key, objs in atoms_of(expr).items():
            if key in values:
                for o in objs:
                    if not isinstance(o, sp.core.function.UndefinedFunction):
                        subs[o] = values[key]
        if subs:
            expr = expr.xreplace(subs) if any(isinstance(o, sp.MatrixSymbol) for o in subs) \
                else expr.subs(subs)
        expr = expr.doit()
        if isinstance(expr, sp.MatrixBase):
            if not any(e.free_symbols for e in expr):
                return expr
        elif not expr.free_symbols:
            return expr
    missing = atoms_of(expr)
    raise KeyError(f"the point gives no value to {sorted(missing)}")


class Undecided(Exception):
    """A discontinuous function of an argument that is zero to 45 digits but not provably so."""


def _mp(v):
    re_, im_ = v.as_real_imag()
    return mpmath.mpc(mpmath.mpmathify(str(sp.Float(re_, DIGITS))), mpmath.mpmathify(str(sp.Float(im_, DIGITS))))


def _sign_of(arg):
    """-1, 0, 1 for a closed real expression, deciding 'zero' exactly, never from a residue."""
    arg = sp.sympify(arg)
    if arg.is_Rational:
        return int(sp.sign(arg))
    v = sp.N(arg, DIGITS, maxn=400)
    if abs(v) > sp.Float(10) ** -45:
        return 1 if v > 0 else -1
    if sp.simplify(arg.rewrite(sp.exp)) == 0 or sp.simplify(arg) == 0:
        return 0
    raise Undecided(str(arg))


def robust(expr):
    """Closed expression with sign/Heaviside/floor/ceiling/Piecewise/Abs-at-zero decided soundly."""
    expr = sp.sympify(expr)
    if not expr.args:
        return expr
    args = [robust(a) for a in expr.args] if not isinstance(expr, sp.Piecewise) else None
    if isinstance(expr, sp.sign):
        return sp.Integer(_sign_of(args[0])) if args[0].is_extended_real is not False and \
            sp.N(sp.im(args[0]), 30) == 0 else expr.func(*args)
    if isinstance(expr, sp.Heaviside):
        sgn = _sign_of(args[0])
        h0 = args[1] if len(args) > 1 else sp.Rational(1, 2)
        return {1: sp.Integer(1), -1: sp.Integer(0), 0: h0}[sgn]
    if isinstance(expr, (sp.floor, sp.ceiling)):
        v = sp.N(args[0], DIGITS)
        k = sp.Integer(int(mpmath.nint(mpmath.mpmathify(str(v)))))
        sgn = _sign_of(args[0] - k)
        if isinstance(expr, sp.floor):
            return k if sgn >= 0 else k - 1
        return k if sgn <= 0 else k + 1
    if isinstance(expr, sp.Piecewise):
        for value, cond in expr.args:
            c = _decide(cond)
            if c:
                return robust(value)
        return sp.nan
    return expr.func(*args) if args != list(expr.args) else expr


def _decide(cond):
    if cond in (sp.true, True):
        return True
    if cond in (sp.false, False):
        return False
    if isinstance(cond, sp.And):
        return all(_decide(c) for c in cond.args)
    if isinstance(cond, sp.Or):
        return any(_decide(c) for c in cond.args)
    if isinstance(cond, sp.Not):
        return not _decide(cond.args[0])
    if isinstance(cond, sp.core.relational.Relational):
        sgn = _sign_of(robust(cond.lhs - cond.rhs))
        return {"<": sgn < 0, "<=": sgn <= 0, ">": sgn > 0, ">=": sgn >= 0, "==": sgn == 0,
                "!=": sgn != 0}[cond.rel_op]
    raise Undecided(str(cond))


def _num(e):
    e = sp.sympify(e)
    if e.has(sp.nan, sp.zoo) or e in (sp.oo, -sp.oo):
        return None
    try:
        e = robust(e)
    except Undecided:
        raise
    except Exception:
        return None
    if e.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        return None
    try:
        v = sp.N(e, DIGITS, maxn=400)
    except Exception:
        return None
    if v.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or not v.is_number:
        return None
    try:
        return _mp(v)
    except (TypeError, ValueError):
        return None


def holds_at(lhs, rhs, point, rel="==") -> bool | None:
    """Does ``lhs rel rhs`` hold at the point? None when a side is undefined there, or when a
    discontinuity cannot be decided soundly."""
    with mpmath.workdps(DIGITS):
        L, R = substitute(lhs, point), substitute(rhs, point)
        if isinstance(L, sp.MatrixBase) or isinstance(R, sp.MatrixBase):
            if not (isinstance(L, sp.MatrixBase) and isinstance(R, sp.MatrixBase)):
                return False  # a matrix is not a number
            if L.shape != R.shape:
                return False
            return all(holds_at(a, b, {}, "==") for a, b in zip(L, R))
        if rel == "==" and L == R and not L.has(sp.nan, sp.zoo):
            return True
        try:
            a, b = _exact_or_num(L), _exact_or_num(R)
        except Undecided:
            return None
        if a is None or b is None:
            return None
        scale = 1 + abs(a) + abs(b)
        eps = mpmath.mpf(10) ** -40 * scale
        if rel == "==":
            if abs(a - b) <= eps:
                return _really_equal(L, R)
            return False
        if abs(a.imag) > eps or abs(b.imag) > eps:
            return None
        gap = a.real - b.real
        return bool(gap >= -eps) if rel == ">=" else bool(gap <= eps)


def _really_equal(L, R) -> bool:
    """Two values equal to 40 digits: are they equal, or do they differ below that (e^-200)?
    SymPy's evalf of the difference gets its leading digits right however small it is."""
    d = L - R
    if d.is_Rational:
        return d == 0
    try:
        v = sp.N(robust(d), 15, maxn=4000, strict=True)
    except Exception:  # noqa: BLE001 - no precision left: the difference is (numerically) zero
        return True
    return v == 0 or abs(v) < sp.Float(10) ** -3000


def _exact_or_num(e):
    if e.is_Rational:
        return mpmath.mpc(mpmath.mpf(e.p) / e.q)
    return _num(e)


def point_in_domains(point: dict, assume: dict, objs: dict, ranges: dict | None = None) -> str | None:
    """None when every value lies in its domain; else what is outside."""
    for name, (lo, hi) in (ranges or {}).items():
        values = {norm(k): v for k, v in point.items()}
        if norm(name) in values:
            v = values[norm(name)]
            top = values.get(norm(hi), None) if isinstance(hi, str) else hi
            if top is None or not (lo <= v <= top):
                return f"the index {name} = {v} is outside {lo}..{hi}"
    for key, value in point.items():
        k = norm(key)
        if isinstance(value, (sp.MatrixBase, sp.Lambda)):
            continue
        spec = None
        for name, s in assume.items():
            if norm(name) == k or (re.match(r"^[A-Za-z]+$", name) and k.startswith(norm(name))
                                   and k[len(norm(name)):].isdigit() and norm(name) not in objs):
                spec = s
        for o in objs.get(k, []):
            base = getattr(o, "base", None)
            if base is not None:
                for name, s in assume.items():
                    if norm(name) == norm(base.label):
                        spec = s
            if isinstance(o, sp.Symbol) and not symbol_domain_ok(o, value):
                return f"{key} = {value} breaks the symbol's own assumptions"
        if spec is None:
            spec = "real"
            for o in objs.get(k, []):
                if getattr(o, "is_integer", False):
                    spec = "integer"
        if not in_domain(spec, value):
            return f"{key} = {value} is outside '{spec}'"
    return None


def check_counterexample(att: dict, cex: dict) -> str | None:
    """None when ``cex`` is a real counterexample to the attempt; else why it is not one."""
    lhs, rhs = (att["lhs"], att["rhs"]) if att["kind"] == "api" else (att["claim"] or (None, None))
    rel = att.get("rel", "==")
    if lhs is None:
        return None  # a closed statement: nothing to place
    try:
        point = {k: parse_value(v) for k, v in (cex or {}).items()}
    except Exception as exc:  # noqa: BLE001 - any unreadable value is a bad counterexample
        return f"unreadable counterexample {cex}: {exc}"
    premise = att.get("premise")
    objs = atoms_of(lhs, rhs, *(premise or ()))
    for k, objs_k in objs.items():
        if len({(type(o), str(o)) for o in objs_k}) < len(objs_k):
            return f"two different objects are both called {k}: a value per name is no point"
    where = point_in_domains(point, att["assume"], objs, att.get("ranges"))
    if where:
        return where
    try:
        if premise is not None:
            ok = holds_at(premise[0], premise[1], point)
            if ok is not True:
                return f"the premise does not hold at {cex}"
        ok = holds_at(lhs, rhs, point, rel)
    except KeyError as exc:
        return f"incomplete counterexample {cex}: {exc}"
    if ok is True:
        return f"the statement holds at {cex}"
    if ok is None and not att.get("side"):
        lhs_v = substitute(lhs, point)
        rhs_v = substitute(rhs, point)
        if _num(lhs_v) is None and _num(rhs_v) is None:
            return f"both sides undefined at {cex}"
    return None


# --------------------------------------------------------------------------- truth


def _sample_value(spec: str | None, rng: random.Random, integer=False):
    """One rational point inside a domain, boundaries and small integers included often."""
    specials = [0, 1, -1, sp.Rational(1, 2), -sp.Rational(1, 2), 2, -2, 3, sp.Rational(1, 3)]
    for _ in range(200):
        if integer or spec in ("integer", "positive integer", "nonnegative integer"):
            v = sp.Integer(rng.choice([0, 1, 2, 3, -1, -2, 4, 5]))
        elif rng.random() < 0.4:
            v = sp.nsimplify(rng.choice(specials))
        else:
            v = sp.Rational(rng.randint(-400, 400), rng.randint(1, 60))
        m = _RANGE.match(spec or "")
        if spec and m and spec not in ("real", "positive", "negative", "nonnegative", "nonzero",
                                        "nonpositive", "integer", "positive integer",
                                        "nonnegative integer", "complex") and rng.random() < 0.3:
            lo, _, _, _, hi = m.groups()
            if lo is not None and hi is not None:
                lo, hi = sp.Rational(Fraction(lo)), sp.Rational(Fraction(hi))
                v = lo + (hi - lo) * sp.Rational(rng.randint(0, 97), 97)
        if spec == "complex":
            v = v + sp.I * sp.Rational(rng.randint(-300, 300), rng.randint(1, 60))
        if in_domain(spec or "real", v):
            return v
    raise ValueError(f"cannot sample the domain {spec!r}")


def sample_point(att, objs: dict, rng: random.Random) -> dict:
    """A random point of the attempt's domain: sizes and indices first, entries after."""
    point = {}
    sizes = {}
    for key, items in objs.items():
        for o in items:
            if isinstance(o, sp.Symbol) and o.is_integer:
                spec = None
                for name, s in att["assume"].items():
                    if norm(name) == key:
                        spec = s
                if o.is_positive or (spec and spec != "integer"):
                    for _ in range(200):
                        v = sp.Integer(rng.randint(1, 7))
                        if symbol_domain_ok(o, v) and (spec is None or in_domain(spec, v)):
                            break
                else:
                    v = sp.Integer(rng.randint(-1, 4))
                sizes[key] = v
    point.update(sizes)
    return point


def _fill(att, lhs, rhs, point, rng):
    """Give values to everything still free after the sizes are fixed."""
    from sympy import Lambda, Symbol

    exprs = [lhs, rhs] + list(att.get("premise") or [])
    for _ in range(3):
        partial = []
        for e in exprs:
            e = plain(sp.sympify(e))
            e = e.subs({o: point[k] for k, os in atoms_of(e).items() if k in point
                        for o in os if isinstance(o, sp.Symbol)}).doit()
            partial.append(e)
        objs = atoms_of(*partial)
        missing = [k for k in objs if k not in point]
        if not missing:
            return point
        for k in missing:
            items = objs[k]
            o = items[0]
            if isinstance(o, sp.IndexedBase):
                continue
            if isinstance(o, sp.core.function.UndefinedFunction):
                arity = max((len(ap.args) for e in partial for ap in e.atoms(sp.core.function.AppliedUndef)
                             if ap.func == o), default=1)
                ts = sp.symbols(f"t0:{arity}")
                c = [sp.Rational(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(3)]
                body = sum(c[0] * tt**2 + c[1] * tt + sp.sin(c[2] * tt + 1) for tt in ts) + c[0]
                if arity > 1:
                    body += c[1] * sp.prod(ts) + sp.sin(ts[0] * ts[1])
                point[k] = Lambda(ts, body)
                continue
            if isinstance(o, sp.MatrixSymbol):
                r, cc = (int(point.get(norm(str(d)), d)) for d in o.shape)
                point[k] = sp.ImmutableMatrix(r, cc, lambda i, j: sp.Rational(rng.randint(-9, 9), rng.randint(1, 4)))
                continue
            spec = None
            for name, s in att["assume"].items():
                base = getattr(o, "base", None)
                if norm(name) == k or (base is not None and norm(name) == norm(base.label)):
                    spec = s
            if spec is None and isinstance(o, sp.Symbol):
                for a in ("positive", "negative", "nonnegative", "nonpositive", "nonzero", "integer"):
                    if getattr(o, f"is_{a}", None):
                        spec = a
                        break
            for _ in range(200):
                v = _sample_value(spec, rng, integer=bool(getattr(o, "is_integer", False)))
                if not isinstance(o, sp.Symbol) or symbol_domain_ok(o, v):
                    break
            point[k] = v
    return point


def verify_truth(att: dict, samples: int = 12, seed: int = 0) -> str | None:
    """Check the attempt's stated truth independently of derive; None when it checks out."""
    if att["kind"] == "cli" and att["truth"] == "hostile":
        return None
    if att.get("check") is not None:
        return None if att["check"]() else "its own check says the stated truth is wrong"
    lhs, rhs = (att["lhs"], att["rhs"]) if att["kind"] == "api" else (att["claim"] or (None, None))
    if lhs is None:
        return "no claim and no check to verify the truth with"
    rel = att.get("rel", "==")
    premise = att.get("premise")
    if att["truth"] == "false":
        if att.get("witness") is None:
            return "a false attempt needs a witness (or a check)"
        why = check_counterexample(att, att["witness"])
        return None if why is None else f"the witness fails: {why}"
    rng = random.Random(seed)
    objs = atoms_of(lhs, rhs, *(premise or ()))
    good = 0
    for _ in range(samples * 6):
        point = sample_point(att, objs, rng)
        point = _fill(att, lhs, rhs, point, rng)
        if premise is not None and holds_at(premise[0], premise[1], point) is not True:
            continue
        if point_in_domains(point, att["assume"], objs, att.get("ranges")):
            continue
        ok = holds_at(lhs, rhs, point, rel)
        if ok is False:
            return f"stated true but fails at {point}"
        if ok is None and not att.get("side"):
            return f"stated true but undefined at {point}"
        good += 1
        if good >= samples:
            break
    return None if good or premise is not None else "no point of the domain could be sampled"
