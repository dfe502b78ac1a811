"""Activation functions of deep learning as SymPy functions.

Each class knows its derivative (``fdiff``), its inverse where it has one, how to
rewrite itself in elementary functions (``rewrite(exp)``, ``rewrite(log)``,
``rewrite(Piecewise)``), its value at numbers, whether it is real, and how to print
itself in LaTeX. The decision procedure relies on the rewrites; the printers on
``_latex``.
"""
from __future__ import annotations

import sympy as sp
from sympy import Function, Heaviside, Max, Piecewise, exp, log


def _arg_latex(printer, arg) -> str:
    return r"\left(%s\right)" % printer._print(arg)


class sigmoid(Function):
    r"""The logistic sigmoid :math:`\sigma(z) = 1/(1+e^{-z})`.

    >>> from sympy import Symbol, diff
    >>> z = Symbol("z", real=True)
    >>> diff(sigmoid(z), z)
    (1 - sigmoid(z))*sigmoid(z)
    >>> sigmoid(0)
    1/2
    """

    nargs = 1

    @classmethod
    def eval(cls, x):
        if x is sp.S.Zero:
            return sp.S.Half
        if x is sp.S.Infinity:
            return sp.S.One
        if x is sp.S.NegativeInfinity:
            return sp.S.Zero
        if isinstance(x, logit):
            return x.args[0]
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return self * (1 - self)

    def inverse(self, argindex=1):
        return logit

    def _eval_rewrite_as_exp(self, x, **kwargs):
        return 1 / (1 + exp(-x))

    _eval_rewrite_as_tractable = _eval_rewrite_as_exp

    def _eval_rewrite_as_tanh(self, x, **kwargs):
        return (1 + sp.tanh(x / 2)) / 2

    def _eval_evalf(self, prec):
        return self.rewrite(exp)._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        if self.args[0].is_extended_real:
            return True
        return None

    def _eval_is_finite(self):
        if self.args[0].is_extended_real:
            return True
        return None

    def _latex(self, printer, exp=None):
        base = r"\sigma" + _arg_latex(printer, self.args[0])
        return base if exp is None else r"\sigma^{%s}%s" % (exp, _arg_latex(printer, self.args[0]))


class logit(Function):
    r"""The inverse of the sigmoid, :math:`\sigma^{-1}(y) = \ln\frac{y}{1-y}` for ``0<y<1``."""

    nargs = 1

    @classmethod
    def eval(cls, y):
        if y is sp.S.Half:
            return sp.S.Zero
        if isinstance(y, sigmoid) and y.args[0].is_extended_real:
            return y.args[0]
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        y = self.args[0]
        return 1 / (y * (1 - y))

    def inverse(self, argindex=1):
        return sigmoid

    def _eval_rewrite_as_log(self, y, **kwargs):
        return log(y / (1 - y))

    _eval_rewrite_as_exp = _eval_rewrite_as_log
    _eval_rewrite_as_tractable = _eval_rewrite_as_log

    def _eval_evalf(self, prec):
        return self.rewrite(log)._eval_evalf(prec)

    def _latex(self, printer, exp=None):
        base = r"\sigma^{-1}" + _arg_latex(printer, self.args[0])
        return base if exp is None else r"\left(%s\right)^{%s}" % (base, exp)


class relu(Function):
    r"""The rectifier :math:`\mathrm{ReLU}(a) = \max(0, a)`.

    Derivative convention at 0: :math:`\mathrm{ReLU}'(0) = 0`, the same as
    PyTorch's autograd. So :math:`\mathrm{ReLU}'(a) = [a > 0]` for every real
    ``a``, written ``Heaviside(a, 0)`` in SymPy and printed as the Iverson
    bracket :math:`[a > 0]`. Away from 0 the derivative is unambiguous.
    """

    nargs = 1

    @classmethod
    def eval(cls, a):
        if a.is_Number:
            return Max(0, a)
        # Only a strictly positive argument becomes ``a``: for a merely nonnegative one
        # ``relu(a) = a`` holds as a value but not as a function to differentiate (at 0
        # the derivative is ReLU'(0) = 0, not 1). A nonpositive argument gives 0, whose
        # derivative 0 agrees with the convention at 0.
        if a.is_positive:
            return a
        if a.is_nonpositive:
            return sp.S.Zero
        return None

    def fdiff(self, argindex=1):
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)
        return Heaviside(self.args[0], 0)

    def _eval_rewrite_as_Piecewise(self, a, **kwargs):
        return Piecewise((a, a > 0), (0, True))

    def _eval_rewrite_as_Max(self, a, **kwargs):
        return Max(0, a)

    _eval_rewrite_as_exp = _eval_rewrite_as_Piecewise

    def _eval_evalf(self, prec):
        return Max(0, self.args[0])._eval_evalf(prec)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_nonnegative(self):
        if self.args[0].is_extended_real:
            return True
        return None

    def _latex(self, printer, exp=None):
        base = r"\mathrm{ReLU}" + _arg_latex(printer, self.args[0])
        return base if exp is None else r"\mathrm{ReLU}^{%s}%s" % (exp, _arg_latex(printer, self.args[0]))


def relu_prime(a):
    """ReLU's derivative with the convention ReLU'(0) = 0: the indicator [a > 0]."""
    return Heaviside(a, 0)


#: The activations ``derive`` defines, by name (used by the parser and printers).
ACTIVATIONS = {"sigmoid": sigmoid, "logit": logit, "relu": relu, "tanh": sp.tanh}
