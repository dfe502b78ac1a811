"""Evaluate a SymPy expression at a point with mpmath, sharing common sub-expressions.

The chain rule on a composed network repeats the same inner layers thousands of times;
SymPy's ``evalf`` walks the tree and evaluates each repetition again. This evaluator
memoises every node, so its cost grows with the number of *distinct* sub-expressions.
Undefined functions (an arbitrary activation ``g``) are evaluated through a concrete
stand-in (a ``Lambda``), their derivatives through the stand-in's derivative, so the
symbolic expression never has to be rebuilt with the stand-in inside.

Anything it does not know is handed to SymPy's ``evalf`` with the point substituted.
"""
from __future__ import annotations

import mpmath
import sympy as sp
from sympy.core.function import AppliedUndef

from ..calculus.functions import logit, relu, sigmoid
from .traverse import substitute


class Undefined(Exception):
    """The expression has no finite value at the point (a pole, a log of zero, ...)."""


def _mp(x):
    return mpmath.mpmathify(x)


_UNARY = {
    sp.exp: mpmath.exp, sp.sin: mpmath.sin, sp.cos: mpmath.cos, sp.tan: mpmath.tan,
    sp.tanh: mpmath.tanh, sp.sinh: mpmath.sinh, sp.cosh: mpmath.cosh, sp.atan: mpmath.atan,
    sp.asin: mpmath.asin, sp.acos: mpmath.acos, sp.Abs: abs,
    sigmoid: lambda v: 1 / (1 + mpmath.exp(-v)),
    logit: lambda v: mpmath.log(v / (1 - v)),
    relu: lambda v: v if mpmath.re(v) > 0 else mpmath.mpf(0),
}


#: functions with a jump: evaluated only where their argument is certified off the jump
_JUMPS = (sp.sign, sp.floor, sp.ceiling, sp.frac)


class NumEval:
    """One point (``values``), one set of stand-ins (``functions``), one precision."""

    def __init__(self, values: dict, functions: dict, dps: int):
        self.values = values
        self.functions = functions
        self.dps = dps
        self.memo: dict = {}
        self._deriv_cache: dict = {}

    def __call__(self, expr):
        with mpmath.workdps(self.dps + 15):
            v = self.ev(expr)
        if not mpmath.isfinite(v):
            raise Undefined(str(expr)[:80])
        return v

    def ev(self, e):
        hit = self.memo.get(e)
        if hit is not None:
            return hit
        v = self._ev(e)
        self.memo[e] = v
        return v

    def _ev(self, e):
        if e in self.values:
            v = self.values[e]
            if isinstance(v, sp.Basic):
                return self._ev(v) if v.is_number else _mp(v)
            return _mp(v)
        if e.is_Rational:
            return mpmath.mpf(int(e.p)) / int(e.q)
        if e.is_Float:
            return mpmath.mpf(e._mpf_)
        if e is sp.S.ImaginaryUnit:
            return mpmath.mpc(0, 1)
        if e.is_NumberSymbol:
            return _mp(sp.N(e, self.dps + 15))
        if e in (sp.S.NaN, sp.S.ComplexInfinity, sp.S.Infinity, sp.S.NegativeInfinity):
            raise Undefined(str(e))
        if isinstance(e, sp.Add):
            return mpmath.fsum(self.ev(a) for a in e.args)
        if isinstance(e, sp.Mul):
            out = mpmath.mpf(1)
            for a in e.args:
                out *= self.ev(a)
            return out
        if isinstance(e, sp.Pow):
            base, ex = self.ev(e.base), self.ev(e.exp)
            if base == 0 and mpmath.re(ex) < 0:
                raise Undefined("division by zero")
            if e.exp.is_Integer:
                return base ** int(e.exp)
            return mpmath.power(base, ex)
        if isinstance(e, sp.log):
            arg = self.ev(e.args[0])
            if arg == 0:
                raise Undefined("log of zero")
            out = mpmath.log(arg)
            return out / mpmath.log(self.ev(e.args[1])) if len(e.args) > 1 else out
        if isinstance(e, _JUMPS):
            return self._jump(e)
        if isinstance(e, sp.Heaviside):
            arg = self.side(e.args[0])
            if arg == 0:
                if len(e.args) > 1:
                    return self.ev(e.args[1])
                raise Undefined("Heaviside at 0")
            return mpmath.mpf(1) if arg > 0 else mpmath.mpf(0)
        if isinstance(e, (sp.Max, sp.Min)):
            vals = [self.ev(a) for a in e.args]
            return max(vals, key=mpmath.re) if isinstance(e, sp.Max) else min(vals, key=mpmath.re)
        if isinstance(e, sp.KroneckerDelta):
            return mpmath.mpf(1) if self.ev(e.args[0]) == self.ev(e.args[1]) else mpmath.mpf(0)
        if isinstance(e, sp.Piecewise):
            for expr, cond in e.args:
                if self.truth(cond):
                    return self.ev(expr)
            raise Undefined("no piece applies")
        if isinstance(e, sp.Function) and type(e) in _UNARY and len(e.args) == 1:
            return _UNARY[type(e)](self.ev(e.args[0]))
        if isinstance(e, AppliedUndef) and e.func in self.functions:
            lam = self.functions[e.func]
            args = [self.ev(a) for a in e.args]
            return NumEval(dict(zip(lam.variables, args)), {}, self.dps)._raw(lam.expr)
        if isinstance(e, sp.Subs) and isinstance(e.expr, sp.Derivative) \
                and isinstance(e.expr.expr, AppliedUndef) and e.expr.expr.func in self.functions:
            point = dict(zip(e.variables, (self.ev(p) for p in e.point)))
            return self._undef_derivative(e.expr, point)
        if isinstance(e, sp.Derivative) and isinstance(e.expr, AppliedUndef) and e.expr.func in self.functions:
            point = {v: self.ev(v) for v, _ in e.variable_count}
            return self._undef_derivative(e, point)
        return self._fallback(e)

    def _raw(self, e):
        return self.ev(e)

    def truth(self, cond) -> bool:
        if cond is sp.true or cond == True:  # noqa: E712
            return True
        if cond is sp.false or cond == False:  # noqa: E712
            return False
        if isinstance(cond, sp.And):
            return all(self.truth(c) for c in cond.args)
        if isinstance(cond, sp.Or):
            return any(self.truth(c) for c in cond.args)
        if isinstance(cond, sp.Not):
            return not self.truth(cond.args[0])
        if isinstance(cond, sp.core.relational.Relational):
            d = self.side(cond.lhs - cond.rhs)
            return {"<": d < 0, "<=": d <= 0, ">": d > 0, ">=": d >= 0, "==": d == 0, "!=": d != 0}[cond.rel_op]
        raise Undefined(f"condition {cond}")

    def side(self, arg):
        """The real value of ``arg`` where a function jumps at 0 (sign, Heaviside, a condition).

        A rounding residue has a sign of its own: ``sign(σ(x) + σ(-x) - 1)`` evaluated in
        floating point is ±1 at most points. So a value that is numerically zero counts as
        zero only when the argument is exactly 0 at the point (SymPy's exact arithmetic on
        the exact point); otherwise the point is no evidence either way (:class:`Undefined`).
        """
        v = self.ev(arg)
        if abs(mpmath.im(v)) > mpmath.mpf(10) ** -(self.dps // 2):
            raise Undefined("a comparison of a complex number")
        v = mpmath.re(v)
        if v != 0 and abs(v) > mpmath.mpf(10) ** -(self.dps // 2):
            return v
        exact = self.exact(arg)
        if exact is not None and exact == 0:
            return mpmath.mpf(0)
        if exact is not None and exact.is_Rational:
            return mpmath.mpf(int(exact.p)) / int(exact.q)
        raise Undefined("a jump at an argument that is numerically zero")

    def exact(self, arg):
        """``arg`` at the point in exact arithmetic, or None (an inexact value, an undefined function)."""
        if not all(isinstance(v, sp.Basic) and v.is_number for v in self.values.values()):
            return None
        if arg.has(AppliedUndef, sp.Derivative, sp.Subs):
            return None
        try:
            out = substitute(arg, self.values)
        except (TypeError, ValueError, ArithmeticError, RecursionError):
            return None
        return out if out.is_number and (out == 0 or out.is_Rational) else None

    def _jump(self, e):
        """sign, floor, ceiling, frac: certified where their argument is not at a jump."""
        x = e.args[0]
        if isinstance(e, sp.sign):
            v = self.ev(x)
            if mpmath.im(v) != 0 and abs(v) > mpmath.mpf(10) ** -(self.dps // 2):
                return v / abs(v)  # a complex number's sign: continuous away from 0
            v = self.side(x)
            return mpmath.mpf(0) if v == 0 else mpmath.sign(v)
        v = mpmath.re(self.ev(x))
        near = mpmath.nint(v)
        if abs(v - near) <= mpmath.mpf(10) ** -(self.dps // 2):
            exact = self.exact(x)
            if exact is None or not exact.is_Rational:
                raise Undefined("a jump at an argument that is numerically an integer")
            v = mpmath.mpf(int(exact.p)) / int(exact.q)
        if isinstance(e, sp.floor):
            return mpmath.floor(v)
        if isinstance(e, sp.ceiling):
            return mpmath.ceil(v)
        return v - mpmath.floor(v)

    def _undef_derivative(self, d, point):
        """``d`` is ``Derivative(g(args), vars)`` with g undefined; ``point`` values its free args."""
        f = d.expr
        lam = self.functions[f.func]
        key = (d.expr.func, tuple(f.args), tuple(d.variable_count))
        deriv = self._deriv_cache.get(key)
        if deriv is None:
            body = lam.expr.xreplace(dict(zip(lam.variables, f.args)))
            deriv = sp.diff(body, *[(v, c) for v, c in d.variable_count])
            self._deriv_cache[key] = deriv
        local = dict(point)
        for a in f.args:
            if a not in local and a.free_symbols:
                local[a] = self.ev(a)
        return NumEval({**self.values, **local}, {}, self.dps).ev(deriv)

    def _fallback(self, e):
        subs = {k: sp.Float(mpmath.nstr(v, self.dps + 10), self.dps + 10) if not isinstance(v, mpmath.mpc)
                else sp.Float(mpmath.nstr(v.real, self.dps + 10), self.dps + 10)
                + sp.I * sp.Float(mpmath.nstr(v.imag, self.dps + 10), self.dps + 10)
                for k, v in ((k, _mp(v)) for k, v in self.values.items())}
        val = sp.N(substitute(e, subs), self.dps + 10)
        if not val.is_number or val.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            raise Undefined(str(e)[:80])
        re, im = val.as_real_imag()
        return mpmath.mpc(_mp(sp.Float(re)), _mp(sp.Float(im))) if im != 0 else _mp(sp.Float(re))
