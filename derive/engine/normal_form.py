"""An exp–log tower normal form: ``lhs - rhs`` as a rational function of independent generators.

Why: rewriting activations to ``exp`` and calling ``cancel`` on SymPy expression trees is
where the ladder spent its time (a chain-rule step through ``tanh`` inside a sigmoid took
half a second). Here every node of the expression (each distinct node once) is turned into
a fraction of sparse polynomials over QQ (SymPy's ``PolyRing``) whose variables are

- the atoms: symbols, and opaque sub-terms (undefined functions, ``Indexed`` entries, sums,
  derivatives, ``Abs``, ...) — each a variable of its own, which is sound for proving: an
  identity of polynomials in an indeterminate holds for every value put in its place;
- ``exp`` generators, from the innermost arguments outwards: the argument ``g`` is written in
  the tower below it, split into its monomials, and ``exp(g) = prod exp(u_m)^k_m`` with one
  generator ``exp(u_m)`` per monomial (``exp(a + b) = exp(a) exp(b)`` holds for all complex
  numbers, so the split needs no condition); ``exp(k log u) = u^k`` for an integer ``k``;
- ``log`` generators: ``log(c p_1^e_1 ... p_r^e_r) = log c + sum e_i log p_i`` only for the
  factors known positive on the stated domains (a positive factor does not move the argument
  of the rest, so this holds for the principal branch); the rest stays one generator;
- roots ``b^(p/q)`` as a generator ``s = b^(1/q)`` with ``s^q = b`` reduced when ``b`` is a
  polynomial, and ``i`` with ``i^2 = -1``.

The difference is zero when the numerator of the fraction is the zero polynomial (no gcd is
needed to decide that), and then ``lhs = rhs`` wherever both sides are defined: the divisors
met on the way that may vanish on the domains are returned as the excluded set. By the
structure theorems (Risch; Ax) generators with Q-linearly independent arguments are
algebraically independent, so on the class the tower covers a non-zero numerator means the
sides differ; that is only a hint for the probe, never a refutation by itself, except for a
non-zero rational constant with nothing excluded (``x`` against ``x + 10^-30``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import comb, lcm
from typing import Optional

import sympy as sp
from sympy import QQ
from sympy.polys.rings import PolyRing

from ..calculus.functions import logit, sigmoid

#: a power whose expansion could exceed this many terms is not expanded (memory guard)
MAX_TERMS = 50000

#: the variables of the rings (shared names, so SymPy's ring cache is reused across calls)
_NAMES = sp.symbols("_nf0:256")


class _Restart(Exception):
    """The ring was too small, or an exponential needs a finer unit: convert again."""


class NotInClass(Exception):
    """The expression holds something the tower does not model (matrices, relations, ...)."""


@dataclass
class NormalForm:
    """The difference as ``num/den`` over the tower, and what was assumed on the way."""

    num: object
    den: object
    generators: list          # SymPy meaning of each ring variable, in order
    excluded: list            # SymPy expressions that must be non-zero for both sides to be defined
    opaque: int               # how many atoms are opaque sub-terms (not plain symbols)
    complete: bool            # no unreduced relation known among the generators

    @property
    def is_zero(self) -> bool:
        return not self.num

    def constant(self) -> Optional[sp.Rational]:
        """The difference as a rational number, when it is one."""
        if self.num.is_ground and self.den.is_ground and not self.excluded:
            return sp.Rational(QQ.to_sympy(self.num.LC if self.num else QQ(0))) / \
                sp.Rational(QQ.to_sympy(self.den.LC))
        return None

    def tower(self) -> str:
        kinds = {"exp": 0, "log": 0, "root": 0}
        for g in self.generators:
            if isinstance(g, sp.exp):
                kinds["exp"] += 1
            elif isinstance(g, sp.log):
                kinds["log"] += 1
            elif isinstance(g, sp.Pow):
                kinds["root"] += 1
        parts = [f"{n} {k}" for k, n in kinds.items() if n]
        atoms = len(self.generators) - sum(kinds.values())
        return "Q(" + ", ".join(([f"{atoms} atoms"] if atoms else []) + parts) + ")" if self.generators else "Q"


@dataclass
class _State:
    capacity: int
    units: dict = field(default_factory=dict)   # exp key -> denominator of its unit


class _Converter:
    """One conversion pass over a DAG; restarted with a larger ring or finer units."""

    def __init__(self, state: _State):
        self.state = state
        self.ring = PolyRing(_NAMES[:state.capacity], QQ)
        self.one, self.zero = self.ring.one, self.ring.zero
        self.meaning: list = []      # SymPy expression of each generator
        self.index: dict = {}        # generator key -> ring index
        self.memo: dict = {}
        self.excluded: dict = {}     # key -> SymPy expression that must be non-zero
        self.roots: dict = {}        # ring index -> (q, base numerator) for s^q = base
        self.i_index: Optional[int] = None
        self.opaque = 0
        self.complete = True

    # --- generators -----------------------------------------------------------------
    def gen(self, key, meaning, opaque: bool = False):
        n = self.index.get(key)
        if n is None:
            n = len(self.meaning)
            if n >= self.state.capacity:
                self.state.capacity *= 2
                raise _Restart
            self.index[key] = n
            self.meaning.append(meaning)
            self.opaque += opaque
        return self.ring.gens[n]

    def as_expr(self, p):
        return p.as_expr(*self.meaning, *_NAMES[len(self.meaning):self.state.capacity])

    # --- arithmetic on fractions (num, den): no gcd unless cheap ---------------------
    def add(self, a, b):
        if a[1] == b[1]:
            return self.reduce(a[0] + b[0]), a[1]
        return self.reduce(a[0] * b[1] + b[0] * a[1]), self.reduce(a[1] * b[1])

    def mul(self, a, b):
        return self.reduce(a[0] * b[0]), self.reduce(a[1] * b[1])

    def inv(self, a, expr=None):
        if not a[0]:
            raise ZeroDivisionError("division by zero in the normal form")
        if expr is not None and not a[0].is_ground:
            self.exclude(expr)
        return a[1], a[0]

    def power(self, a, k: int, expr=None):
        if k < 0:
            a, k = self.inv(a, expr), -k
        for p in a:
            if len(p) > 1 and k > 1 and comb(len(p) - 1 + k, k) > MAX_TERMS:
                raise NotInClass("a power too large to expand")  # left to the bounded later rungs
        return self.reduce(a[0] ** k), self.reduce(a[1] ** k)

    def exclude(self, expr):
        if expr.is_nonzero is True or expr.is_positive is True or expr.is_negative is True:
            return
        self.excluded.setdefault(expr, expr)

    def reduce(self, p):
        """``i^2 = -1`` and ``s^q = b`` (b a polynomial) applied to every monomial."""
        if self.i_index is None and not self.roots or p.is_ground:
            return p
        out = self.zero
        changed = False
        for monom, coeff in p.terms():
            m = list(monom)
            term = self.ring.ground_new(coeff)
            if self.i_index is not None and m[self.i_index] >= 2:
                k = m[self.i_index]
                m[self.i_index] = k % 2
                if (k // 2) % 2:
                    term = -term
                changed = True
            for n, (q, base) in self.roots.items():
                if m[n] >= q:
                    k, m[n] = divmod(m[n], q)
                    term = term * base ** k
                    changed = True
            out += term * self.ring.from_dict({tuple(m): QQ(1)})
        return self.reduce(out) if changed else p

    # --- the walk -------------------------------------------------------------------
    def conv(self, e):
        got = self.memo.get(e)
        if got is None:
            got = self.memo[e] = self._conv(e)
        return got

    def const(self, c):
        return self.ring.ground_new(QQ(int(c.p), int(c.q))), self.one

    def _conv(self, e):
        if isinstance(e, sp.Rational):
            return self.const(e)
        if isinstance(e, sp.Float):
            return self.const(sp.Rational(str(e)))
        if e is sp.I:
            if self.i_index is None:
                g = self.gen(("I",), sp.I)
                self.i_index = self.ring.gens.index(g)
            return self.ring.gens[self.i_index], self.one
        if e is sp.E:
            return self.exp_of(self.one_frac(), sp.S.One)
        if isinstance(e, sp.Add):
            acc = (self.zero, self.one)
            for a in e.args:
                acc = self.add(acc, self.conv(a))
            return acc
        if isinstance(e, sp.Mul):
            acc = (self.one, self.one)
            for a in e.args:
                acc = self.mul(acc, self.conv(a))
            return acc
        if isinstance(e, sp.Pow):
            return self.pow(e)
        if isinstance(e, sp.exp):
            return self.exp_of(self.conv(e.args[0]), e.args[0])
        if isinstance(e, sp.log) and len(e.args) == 1:
            return self.log_of(self.conv(e.args[0]), e.args[0])
        if isinstance(e, sigmoid):  # 1/(1 + exp(-a))
            a = e.args[0]
            t = self.exp_of(self.neg(self.conv(a)), -a)
            return self.inv(self.add((self.one, self.one), t), 1 + sp.exp(-a))
        if isinstance(e, logit):  # log(y/(1-y))
            y = e.args[0]
            ratio = y / (1 - y)
            fy = self.conv(y)
            frac = self.mul(fy, self.inv(self.add((self.one, self.one), self.neg(fy)), 1 - y))
            return self.log_of(frac, ratio)
        if isinstance(e, (sp.tanh, sp.coth, sp.sinh, sp.cosh, sp.sech, sp.csch)):
            a = e.args[0]
            t = self.exp_of(self.conv(a), a)          # exp(a)
            ti = self.inv(t)                          # exp(-a), never zero
            plus, minus = self.add(t, ti), self.add(t, self.neg(ti))
            half = self.const(sp.Rational(1, 2))
            if isinstance(e, sp.sinh):
                return self.mul(half, minus)
            if isinstance(e, sp.cosh):
                return self.mul(half, plus)
            if isinstance(e, sp.tanh):
                return self.mul(minus, self.inv(plus, sp.cosh(a)))
            if isinstance(e, sp.coth):
                return self.mul(plus, self.inv(minus, sp.sinh(a)))
            if isinstance(e, sp.sech):
                return self.mul(self.const(sp.Integer(2)), self.inv(plus, sp.cosh(a)))
            return self.mul(self.const(sp.Integer(2)), self.inv(minus, sp.sinh(a)))
        if isinstance(e, (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)):
            a = e.args[0]
            ia = self.mul(self.conv(sp.I), self.conv(a))
            t = self.exp_of(ia, sp.I * a)
            ti = self.inv(t)
            plus, minus = self.add(t, ti), self.add(t, self.neg(ti))
            i2 = self.mul(self.const(sp.Integer(2)), self.conv(sp.I))
            sin = self.mul(minus, self.inv(i2))
            cos = self.mul(plus, self.const(sp.Rational(1, 2)))
            table = {sp.sin: lambda: sin, sp.cos: lambda: cos,
                     sp.tan: lambda: self.mul(sin, self.inv(cos, sp.cos(a))),
                     sp.cot: lambda: self.mul(cos, self.inv(sin, sp.sin(a))),
                     sp.sec: lambda: self.inv(cos, sp.cos(a)),
                     sp.csc: lambda: self.inv(sin, sp.sin(a))}
            return table[type(e)]()
        if isinstance(e, (sp.asinh, sp.acosh, sp.atanh, sp.acoth, sp.asin, sp.acos, sp.atan, sp.acot)):
            r = e.rewrite(sp.log)
            if r != e and not isinstance(r, type(e)):
                return self.conv(r)
        if isinstance(e, sp.Symbol):
            return self.gen(("atom", e), e), self.one
        if isinstance(e, (sp.Eq, sp.Rel, sp.logic.boolalg.Boolean, sp.MatrixBase, sp.MatrixExpr)):
            raise NotInClass(type(e).__name__)
        if isinstance(e, sp.NumberSymbol):
            return self.gen(("atom", e), e), self.one
        if e in (sp.oo, -sp.oo, sp.zoo, sp.nan):
            raise NotInClass("infinity")
        return self.gen(("atom", e), e, opaque=True), self.one

    def neg(self, a):
        return -a[0], a[1]

    def one_frac(self):
        return self.one, self.one

    # --- powers -----------------------------------------------------------------------
    def pow(self, e):
        b, x = e.args
        if x.is_Integer:
            return self.power(self.conv(b), int(x), b)
        if x.is_Rational:
            p, q = int(x.p), int(x.q)
            polar = _polar(b, x)
            if polar is not None:
                return self.conv(polar)
            fb = self.conv(b)
            if not fb[0]:
                return (self.zero, self.one) if p > 0 else self.inv(fb, b)
            s = self.root(fb, q, b)
            return self.power(s, p, sp.Pow(b, sp.Rational(1, q)))
        # a symbolic exponent: b^x = exp(x log b), the principal branch (b must be non-zero)
        fb = self.conv(b)
        if b is not sp.E:
            self.exclude(b)
        return self.exp_of(self.mul(self.conv(x), self.log_of(fb, b)), x * sp.log(b))

    def root(self, fb, q, b):
        """``b^(1/q)`` as a generator keyed by ``b``'s canonical fraction."""
        key = ("root", q, self.key(fb))
        n_before = len(self.meaning)
        g = self.gen(key, sp.Pow(b, sp.Rational(1, q)))
        n = self.ring.gens.index(g)
        if len(self.meaning) > n_before:
            if fb[1].is_ground:
                self.roots[n] = (q, self.reduce(fb[0] * self.ring.ground_new(1 / fb[1].LC)))
            else:
                self.complete = False
        return g, self.one

    # --- canonical keys of fractions -----------------------------------------------
    def canonical(self, f):
        num, den = f
        if not den.is_ground:
            _, num, den = num.cofactors(den)
        c = den.LC
        return num.quo_ground(c), den.quo_ground(c)

    def key(self, f):
        num, den = self.canonical(f)
        return (frozenset(num.terms()), frozenset(den.terms()))

    # --- exp ---------------------------------------------------------------------------
    def exp_of(self, fg, g):
        """exp of the fraction ``fg`` (whose SymPy form is ``g``)."""
        num, den = fg
        if not den.is_ground:
            # one generator for the whole argument (its monomials cannot be split apart)
            num, den = self.canonical(fg)
            if num.LC < 0:
                num = -num
                sign = -1
            else:
                sign = 1
            t = self.gen(("exp", frozenset(num.terms()), frozenset(den.terms())), sp.exp(sign * g))
            return (t, self.one) if sign > 0 else (self.one, t)
        scale = 1 / den.LC
        out = (self.one, self.one)
        for monom, coeff in num.terms():
            c = Fraction(int((coeff * scale).numerator), int((coeff * scale).denominator))
            out = self.mul(out, self.exp_monomial(monom, c))
        return out

    def exp_monomial(self, monom, c: Fraction):
        """``exp(c * m)`` for a monomial ``m`` of the ring."""
        nz = [(n, k) for n, k in enumerate(monom) if k]
        if not nz:  # exp of a rational constant: powers of exp(1/d)
            key = ("exp1",)
            mono_expr = sp.S.One
        else:
            if len(nz) == 1 and nz[0][1] == 1:
                n = nz[0][0]
                log_of = self.log_bases.get(n)
                if log_of is not None and c.denominator == 1:  # exp(k log u) = u^k
                    return self.power(log_of, c.numerator)
            if self.i_index is not None and len(nz) == 2 and dict(nz).get(self.i_index) == 1:
                other = [n for n, _ in nz if n != self.i_index][0]
                if self.meaning[other] is sp.pi and monom[other] == 1 and c.denominator <= 2:
                    k = c.numerator  # exp(i pi k/2) = i^k; exp(i pi k) = (-1)^k
                    if c.denominator == 1:
                        return self.const(sp.Integer(-1) ** k)
                    return self.power((self.ring.gens[self.i_index], self.one), k)
            key = ("exp", monom)
            mono_expr = sp.Mul(*[self.meaning[n] ** k for n, k in nz])
        d = self.state.units.get(key)
        if d is None:
            d = self.state.units[key] = c.denominator
        elif (c * d).denominator != 1:
            self.state.units[key] = lcm(d, c.denominator)
            raise _Restart
        t = self.gen(key, sp.exp(mono_expr / d))
        return self.power((t, self.one), int(c * d))

    @property
    def log_bases(self) -> dict:
        return self.__dict__.setdefault("_log_bases", {})

    # --- log ---------------------------------------------------------------------------
    def log_of(self, fu, u):
        """log of the fraction ``fu`` (whose SymPy form is ``u``): positive factors split off."""
        if not fu[0]:
            raise NotInClass("log(0)")
        self.exclude(u)
        num, den = self.canonical(fu)
        parts = []           # (multiplicity, polynomial) of log generators of positive factors
        rest = [self.one, self.one]
        content = QQ(1)
        for n, (poly, mult) in enumerate(((num, 1), (den, -1))):
            if poly.is_ground:
                c, factors = poly.LC, []
            else:
                c, factors = poly.factor_list()
            content = content * c if mult > 0 else content / c
            for f, k in factors:
                fe = self.as_expr(f)
                if fe.is_positive is True:
                    parts.append((mult * k, f))
                elif fe.is_negative is True:
                    parts.append((mult * k, -f))
                    if k % 2:
                        content = -content
                else:
                    rest[n] *= f ** k
        negative = content < 0
        content = -content if negative else content
        out = (self.zero, self.one)
        if content != 1:
            out = self.add(out, self.log_rational(content))
        for k, f in parts:
            out = self.add(out, self.mul(self.const(sp.Integer(k)), self.log_generator((f, self.one))))
        if rest[0] != 1 or rest[1] != 1:
            sign = self.ring.ground_new(QQ(-1 if negative else 1))
            out = self.add(out, self.log_generator((rest[0] * sign, rest[1])))
        elif negative:  # log(-1) = i pi
            out = self.add(out, self.mul(self.conv(sp.I), self.conv(sp.pi)))
        return out

    def log_rational(self, c):
        """log of a positive rational: sum over its prime factors (each log p a generator)."""
        out = (self.zero, self.one)
        n, d = int(c.numerator), int(c.denominator)
        if max(n, d) > 10 ** 12:
            return self.log_generator((self.ring.ground_new(c), self.one))
        for value, sgn in ((n, 1), (d, -1)):
            for p, k in sp.factorint(value).items():
                out = self.add(out, self.mul(self.const(sp.Integer(sgn * k)),
                                             self.log_generator((self.ring.ground_new(QQ(p)), self.one))))
        return out

    def log_generator(self, f):
        key = ("log", self.key(f))
        before = len(self.meaning)
        g = self.gen(key, sp.log(self.as_expr(f[0]) / self.as_expr(f[1])))
        n = self.ring.gens.index(g)
        if len(self.meaning) > before:
            self.log_bases[n] = self.canonical(f)
        return g, self.one


def _polar(b, x):
    """``b^x = |b|^x exp(i x arg b)`` for a non-real constant ``b`` whose argument SymPy knows as a
    rational multiple of pi: the definition of the principal power, written in the tower."""
    if b.free_symbols or not b.is_number or b.is_extended_real is not False:
        return None
    angle = sp.arg(b)
    if angle.has(sp.arg) or not (angle / sp.pi).is_Rational:
        return None
    modulus = sp.Abs(b)
    if modulus.has(sp.Abs):
        return None
    return sp.Pow(modulus, x) * sp.exp(sp.I * x * angle)


def _estimate(e) -> int:
    from .traverse import nodes

    count = 0
    for x in nodes(e):
        if not x.args or isinstance(x, (sp.exp, sp.log, sp.Pow, sp.Function)):
            count += 1
    return count


def normal_form(diff) -> Optional[NormalForm]:
    """The normal form of ``diff`` (a SymPy expression), or None when it is outside the class."""
    state = _State(capacity=max(8, min(256, 1 << (_estimate(diff) + 2).bit_length())))
    for _ in range(12):
        conv = _Converter(state)
        try:
            num, den = conv.conv(diff)
        except _Restart:
            if state.capacity > 256:
                return None
            continue
        except (NotInClass, ZeroDivisionError, sp.PolynomialError, NotImplementedError):
            return None
        return NormalForm(num, den, list(conv.meaning), list(conv.excluded), conv.opaque, conv.complete)
    return None


def decide_tower(lhs, rhs) -> Optional[NormalForm]:
    """``lhs - rhs`` in the tower (None outside it)."""
    if isinstance(lhs, (sp.MatrixBase, sp.MatrixExpr)) or isinstance(rhs, (sp.MatrixBase, sp.MatrixExpr)):
        return None
    return normal_form(sp.Add(lhs, -rhs, evaluate=False))


def describe_excluded(excluded, domains=None, limit: int = 4) -> tuple:
    """The excluded set as readable conditions: ``x ≠ 1`` for a linear divisor, else ``f ≠ 0``."""
    out = []
    for e in excluded:
        free = [s for s in e.free_symbols if isinstance(s, sp.Symbol)]
        text = None
        if len(free) == 1 and e.is_polynomial(free[0]):
            s = free[0]
            poly = sp.Poly(e, s)
            if poly.degree() == 1:
                c1, c0 = poly.all_coeffs()
                root = -c0 / c1
                if s.is_real and root.is_real is False:
                    continue  # a real symbol never reaches a non-real root
                d = (domains or {}).get(s.name)
                if root.is_Rational and d is not None and not d.contains(Fraction(int(root.p), int(root.q))):
                    continue  # outside the stated domain
                if (s.is_positive and root.is_nonpositive) or (s.is_negative and root.is_nonnegative):
                    continue
                text = f"{s} ≠ {sp.sstr(root)}"
            elif poly.degree() == 2 and s.is_real and poly.discriminant().is_negative:
                continue  # no real root: never zero for real s
        out.append(text or f"{sp.sstr(e)} ≠ 0")
        if len(out) >= limit:
            out.append("...")
            break
    return tuple(dict.fromkeys(out))


#: Above this many distinct nodes the tower is left to the later rungs (a guard on memory and time).
MAX_NODES = 20000


def _sides(lhs, rhs):
    """The pairs of scalar sides to decide: one pair, or the entries of two explicit matrices."""
    lm, rm = isinstance(lhs, sp.MatrixBase), isinstance(rhs, sp.MatrixBase)
    if lm and rm:
        return list(zip(lhs, rhs)) if lhs.shape == rhs.shape else None
    if lm or rm or isinstance(lhs, sp.MatrixExpr) or isinstance(rhs, sp.MatrixExpr):
        return None
    return [(lhs, rhs)]


def _point(symbols, domains) -> Optional[dict]:
    """A simple point inside the domains (None when a symbol's domain is not an interval)."""
    point = {}
    for s in symbols:
        d = domains.get(s.name)
        lo = d.lo if d is not None else None
        hi = d.hi if d is not None else None
        if d is not None and d.kind not in ("real", "integer"):
            return None
        if s.is_positive and lo is None:
            lo = Fraction(0)
        if s.is_negative and hi is None:
            hi = Fraction(0)
        if lo is not None and hi is not None:
            v = (lo + hi) / 2
        elif lo is not None:
            v = lo + 1
        elif hi is not None:
            v = hi - 1
        else:
            v = Fraction(1)
        if (d is not None and d.kind == "integer") or s.is_integer:
            v = Fraction(int(v) + (1 if lo is not None and int(v) <= lo else 0))
        if d is not None and not d.contains(v):
            return None
        point[s] = sp.Rational(v.numerator, v.denominator)
    return point


def _settle_matrix_expressions(lhs, rhs, domains) -> Optional[dict]:
    """Two matrix expressions equal by SymPy's matrix algebra (and declared orthogonality):
    the cheap matrix rung, tried before the probe (it costs microseconds, the probe seconds)."""
    from .certificate import is_zero, matrix_chain, scalar_of

    orthogonal = frozenset(n for n, d in domains.items() if d.text == "orthogonal")
    lm, rm = isinstance(lhs, sp.MatrixExpr), isinstance(rhs, sp.MatrixExpr)
    if lm != rm and not isinstance(lhs, sp.MatrixBase) and not isinstance(rhs, sp.MatrixBase):
        try:  # a 1x1 matrix expression against a scalar: its single entry
            lhs = scalar_of(matrix_chain(lhs, orthogonal)) if lm else lhs
            rhs = scalar_of(matrix_chain(rhs, orthogonal)) if rm else rhs
        except (TypeError, ValueError, AttributeError, NotImplementedError):
            return None
        if isinstance(lhs, sp.MatrixExpr) or isinstance(rhs, sp.MatrixExpr):
            return None
        found = settle(lhs, rhs, domains)
        if found is not None and found["status"] == "proved":
            return {**found, "method": "1x1 matrix as its entry, " + found["method"]}
        return None
    if not (lm and rm) or isinstance(lhs, sp.MatrixBase) or isinstance(rhs, sp.MatrixBase):
        return None
    try:
        if is_zero(matrix_chain(lhs - rhs, orthogonal)):
            return {"status": "proved", "conditions": (),
                    "method": "matrix identities" + (" (orthogonality)" if orthogonal else "")}
    except (TypeError, ValueError, AttributeError, NotImplementedError):
        pass
    return None


def _settle_sums(lhs, rhs, domains) -> Optional[dict]:
    """Sums over symbolic sizes: merged by their limits, inner sums generalised, each summand in
    the tower (:func:`derive.engine.certificate.sums_chain`); only ever proves."""
    from .certificate import is_zero, sums_chain

    indices = frozenset(n for n, d in domains.items() if d.text == "index")
    found = []

    def inner(body):
        nf = normal_form(body)
        if nf is not None and nf.is_zero:
            found.append(nf)
            return sp.S.Zero
        return body

    try:
        r = sums_chain(lhs - rhs, inner, indices)
    except (TypeError, ValueError, AttributeError, NotImplementedError, RecursionError, sp.PolynomialError):
        return None
    if r is None or not is_zero(r):
        return None
    excluded = list(dict.fromkeys(x for nf in found for x in nf.excluded))
    towers = sorted({nf.tower() for nf in found})
    return {"status": "proved", "conditions": describe_excluded(excluded, domains),
            "method": "sums merged, inner sums generalised, exp-log tower normal form"
                      + (" over " + ", ".join(towers) if towers else "")}


def settle(lhs, rhs, domains) -> Optional[dict]:
    """The tower's verdict, or None to go on down the ladder.

    ``{"status": "proved", "method", "conditions"}`` when the difference is the zero fraction;
    ``{"status": "refuted", ...}`` with a counterexample when it is a non-zero rational
    constant, checked by exact substitution at a point inside the domains;
    ``{"status": "hint", "entry": (a, b)}``: two matrices, and an entry pair whose difference is
    not zero in the tower (a point where that entry differs is a point where the matrices do).
    """
    pairs = _sides(lhs, rhs)
    if pairs is None:
        return _settle_matrix_expressions(lhs, rhs, domains)
    from .traverse import has_any, nodes

    if len(pairs) == 1 and has_any(sp.Tuple(lhs, rhs), sp.Sum):
        return _settle_sums(lhs, rhs, domains)

    if sum(1 for pair in pairs for _ in nodes(sp.Tuple(*pair))) > MAX_NODES:
        return None
    forms = []
    for a, b in pairs:
        try:
            nf = decide_tower(a, b)
        except (TypeError, ValueError, AttributeError, RecursionError, sp.PolynomialError,
                sp.polys.polyerrors.CoercionFailed):
            nf = None
        if nf is None:
            return None
        if not nf.is_zero and len(pairs) > 1:
            # an entry that differs in the tower: the probe need only look at it
            return {"status": "hint", "entry": (a, b)}
        forms.append(nf)
    if all(nf.is_zero for nf in forms):
        towers = sorted({nf.tower() for nf in forms})
        excluded = list(dict.fromkeys(x for nf in forms for x in nf.excluded))
        method = "exp-log tower normal form: the difference is the zero fraction over " + ", ".join(towers)
        if len(pairs) > 1:
            method = "entrywise: " + method
        return {"status": "proved", "method": method, "conditions": describe_excluded(excluded, domains)}
    if len(pairs) == 1:
        c = forms[0].constant()
        if c is not None and c != 0:
            symbols = sorted(sp.Tuple(lhs, rhs).free_symbols, key=str)
            if not all(isinstance(s, sp.Symbol) for s in symbols):
                return None
            point = _point(symbols, domains)
            if point is None:
                return None
            a, b = lhs.xreplace(point), rhs.xreplace(point)
            if not (a.is_finite and b.is_finite) or sp.expand(a - b) != c:
                return None
            return {"status": "refuted", "counterexample": {str(k): str(v) for k, v in point.items()},
                    "method": f"exp-log tower normal form: the sides differ by the constant {c}"}
    return None


# --- after the probe: bounded domains and constant differences --------------------------------

def _shift_map(symbols, domains) -> dict:
    """``x = lo + t`` (``t >= 0``, or ``> 0`` for an open bound) for each symbol with a bound
    that SymPy's assumptions cannot hold (``x >= 2``), ``x = hi - t`` for an upper bound alone.
    A bijection of the domain, so an identity in ``t`` is the identity in ``x``."""
    shift = {}
    for s in symbols:
        d = domains.get(s.name) if isinstance(s, sp.Symbol) else None
        if d is None or d.kind != "real":
            continue
        if d.lo is not None and d.lo != 0:
            t = sp.Dummy(f"{s.name}_shift", positive=True) if d.lo_open else sp.Dummy(f"{s.name}_shift",
                                                                                       nonnegative=True)
            shift[s] = (sp.Rational(d.lo.numerator, d.lo.denominator) + t, t, +1)
        elif d.lo is None and d.hi is not None and d.hi != 0:
            t = sp.Dummy(f"{s.name}_shift", positive=True) if d.hi_open else sp.Dummy(f"{s.name}_shift",
                                                                                       nonnegative=True)
            shift[s] = (sp.Rational(d.hi.numerator, d.hi.denominator) - t, t, -1)
    return shift


def _branchy(e) -> bool:
    from .traverse import nodes

    return any(isinstance(x, (sp.Abs, sp.log)) or (isinstance(x, sp.Pow) and not x.exp.is_Integer)
               for x in nodes(e))


#: functions smooth on the whole real line (for a real argument)
_SMOOTH = (sp.exp, sp.atan, sp.asinh, sp.sin, sp.cos, sp.tanh, sp.sinh, sp.cosh, sigmoid)


def _smooth_on_domain(e) -> bool:
    """Every node differentiable at every point of the (interval) domain, by SymPy's assumptions:
    divisors non-zero, logarithms and roots of positive arguments, smooth functions of real ones."""
    from .traverse import nodes

    for x in nodes(e):
        if isinstance(x, (sp.Symbol, sp.Number, sp.NumberSymbol, sp.Add, sp.Mul)):
            continue
        if isinstance(x, sp.Pow):
            if x.exp.is_Integer and (x.exp > 0 or x.base.is_nonzero is True):
                continue
            if x.exp.is_Rational and x.base.is_positive is True:
                continue
            return False
        if isinstance(x, sp.log) and x.args[0].is_positive is True:
            continue
        if isinstance(x, _SMOOTH) and x.args[0].is_real is True:
            continue
        return False
    return True


def _derivative_certificate(diff, symbol, domains) -> Optional[str]:
    """``diff`` is zero on an interval when it is differentiable there, its derivative is the
    zero fraction of the tower, and it vanishes at one point of the interval."""
    from .differentiate import derivative

    if not _smooth_on_domain(diff):
        return None
    nf = normal_form(derivative(diff, symbol))
    if nf is None or not nf.is_zero:
        return None
    point = _point([symbol], domains)
    if point is None:
        return None
    at = sp.expand(diff.xreplace(point))
    if at != 0:
        return None
    p = point[symbol]
    return (f"the derivative in {symbol} is the zero fraction of the exp-log tower, the difference is "
            f"differentiable on the domain and zero at {symbol} = {p}")


def settle_late(lhs, rhs, domains) -> Optional[dict]:
    """Rungs worth trying once the probe found the sides consistent (they cost more):
    bounded symbols shifted to SymPy-known signs, then a zero derivative on an interval."""
    pairs = _sides(lhs, rhs)
    if pairs is None or len(pairs) != 1:
        return None
    diff = sp.Add(lhs, -rhs)
    symbols = sorted((s for s in diff.free_symbols if isinstance(s, sp.Symbol)), key=str)
    try:
        shift = _shift_map(symbols, domains)
        if shift and _branchy(diff):
            moved = diff.xreplace({s: v for s, (v, _, _) in shift.items()})
            nf = normal_form(moved)
            if nf is not None and nf.is_zero:
                back = {t: sign * (s - v.subs(t, 0)) for s, (v, t, sign) in shift.items()}
                excluded = [x.xreplace(back) for x in nf.excluded]
                return {"status": "proved", "conditions": describe_excluded(excluded, domains),
                        "method": "bounded symbols shifted (" + ", ".join(
                            f"{s} = {sp.sstr(v.subs(t, 0))} {'+' if sign > 0 else '-'} t, t >= 0"
                            for s, (v, t, sign) in shift.items())
                        + "), exp-log tower normal form over " + nf.tower()}
        if len(symbols) == 1 and diff.has(sp.atan, sp.acot, sp.log, sp.asinh):
            s = symbols[0]
            d = domains.get(s.name)
            # an interval: a real range (not "nonzero", which is two), or a sign of the symbol
            interval = (d.kind == "real" and not d.nonzero and (d.lo is not None or d.hi is not None)) \
                if d is not None else bool(s.is_positive or s.is_negative)
            if interval and not s.is_integer:
                method = _derivative_certificate(diff, s, domains)
                if method is not None:
                    return {"status": "proved", "conditions": (), "method": method}
    except (TypeError, ValueError, AttributeError, RecursionError, NotImplementedError, sp.PolynomialError):
        return None
    return None
