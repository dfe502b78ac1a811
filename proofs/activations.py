"""Activation identities.

Spec section 1 (seeds 000-003). Main results, named as Mathlib names them:

- ``sigmoid_neg``: sigma(-z) = 1 - sigma(z)
- ``sigmoid_deriv``: sigma'(z) = sigma(z) (1 - sigma(z))
- ``logit_sigmoid``: sigma^{-1}(sigma(z)) = z for real z
- ``sigmoid_logit``: sigma(sigma^{-1}(y)) = y for 0 < y < 1
- ``logit_deriv``: (sigma^{-1})'(y) = 1 / (y (1 - y)) for 0 < y < 1
- ``tanh_deriv``: tanh'(x) = 1 - tanh^2(x), from tanh x = (e^x - e^{-x}) / (e^x + e^{-x})
- ``tanh_eq_two_sigmoid_two_mul_sub_one``: tanh(a) = 2 sigma(2a) - 1
- ``sigmoid_eq_tanh_half``: sigma(z) = (1 + tanh(z/2)) / 2, the inverse relation
- ``relu_deriv``: ReLU'(a) = [a > 0] for a != 0 (convention ReLU'(0) = 0, as PyTorch)

Every chain starts from a definition and each line carries its reason.
"""
from sympy import Add, Derivative, Mul, Piecewise, Pow, Symbol, exp, log, tanh

from derive import Proof, logit, relu, sigmoid
from sympy import Heaviside

z, a, x, y = Symbol("z"), Symbol("a"), Symbol("x"), Symbol("y")
E = exp(-z)


def _frac(num, den):
    """num/den kept as written (SymPy would otherwise reorder or cancel it)."""
    if num == 1:
        return Pow(den, -1, evaluate=False)
    return Mul(num, Pow(den, -1, evaluate=False), evaluate=False)


sigmoid_neg = (
    Proof("sigmoid_neg", r"Symmetry of the sigmoid: $\sigma(-z) = 1 - \sigma(z)$", assume={"z": "real"})
    .given(sigmoid(-z))
    .step(_frac(1, 1 + exp(z)), r"definition $\sigma(t) = 1/(1+e^{-t})$ at $t=-z$")
    .step(_frac(exp(-z), exp(-z) + 1), r"multiply numerator and denominator by $e^{-z}$")
    .step(_frac(Add(1, E, -1, evaluate=False), 1 + E), "add and subtract 1 in the numerator")
    .step(1 - _frac(1, 1 + E), "split the fraction")
    .step(1 - sigmoid(z), r"definition of $\sigma$")
)

sigmoid_deriv = (
    Proof("sigmoid_deriv", r"Derivative of the sigmoid: $\sigma'(z) = \sigma(z)(1-\sigma(z))$",
          assume={"z": "real"})
    .given(Derivative(sigmoid(z), z))
    .step(Derivative(Pow(1 + E, -1), z), r"definition of $\sigma$")
    .step(_frac(E, (1 + E) ** 2), "chain rule: $-(1+e^{-z})^{-2} \\cdot (-e^{-z})$")
    .step(Mul(_frac(1, 1 + E), _frac(E, 1 + E), evaluate=False), "split the square")
    .step(Mul(_frac(1, 1 + E), 1 - _frac(1, 1 + E), evaluate=False),
          r"$e^{-z}/(1+e^{-z}) = 1 - 1/(1+e^{-z})$")
    .step(sigmoid(z) * (1 - sigmoid(z)), r"definition of $\sigma$")
)

logit_sigmoid = (
    Proof("logit_sigmoid", r"The logit inverts the sigmoid: $\sigma^{-1}(\sigma(z)) = z$", assume={"z": "real"})
    .given(logit(sigmoid(z), evaluate=False))
    .step(log(_frac(sigmoid(z), 1 - sigmoid(z))), r"definition $\sigma^{-1}(y) = \ln\frac{y}{1-y}$")
    .step(log(_frac(_frac(1, 1 + E), _frac(E, 1 + E))),
          r"$\sigma(z) = \frac{1}{1+e^{-z}}$ and $1 - \sigma(z) = \frac{e^{-z}}{1+e^{-z}}$")
    .step(log(_frac(1, E)), "cancel $1 + e^{-z}$")
    .step(log(exp(z), evaluate=False), "$1/e^{-z} = e^{z}$")
    .step(z, r"$\ln$ inverts $\exp$ on the reals")
)

Y = Symbol("y")
sigmoid_logit = (
    Proof("sigmoid_logit", r"The sigmoid inverts the logit: $\sigma(\sigma^{-1}(y)) = y$",
          assume={"y": "0<y<1"})
    .given(sigmoid(logit(Y), evaluate=False))
    .step(_frac(1, 1 + exp(-log(_frac(Y, 1 - Y), evaluate=False), evaluate=False)),
          r"definitions of $\sigma$ and $\sigma^{-1}$ (the logarithm is defined as $0<y<1$)")
    .step(_frac(1, 1 + _frac(1 - Y, Y)), r"$e^{-\ln u} = 1/u$ for $u > 0$")
    .step(_frac(Y, Add(Y, 1, -Y, evaluate=False)), "multiply numerator and denominator by $y$")
    .step(Y, "$y + 1 - y = 1$")
)

logit_deriv = (
    Proof("logit_deriv", r"Derivative of the logit: $(\sigma^{-1})'(y) = \frac{1}{y(1-y)}$",
          assume={"y": "0<y<1"})
    .given(Derivative(logit(Y), Y))
    .step(Derivative(log(Y) - log(1 - Y), Y), r"$\ln\frac{y}{1-y} = \ln y - \ln(1-y)$ for $0<y<1$")
    .step(_frac(1, Y) + _frac(1, 1 - Y), "differentiate each logarithm")
    .step(_frac(Add(1 - Y, Y, evaluate=False), Y * (1 - Y)), "common denominator")
    .step(_frac(1, Y * (1 - Y)), "$1 - y + y = 1$")
)

X = exp(x)
XM = exp(-x)
tanh_deriv = (
    Proof("tanh_deriv", r"Derivative of tanh: $\tanh'(x) = 1 - \tanh^2(x)$", assume={"x": "real"})
    .given(Derivative(tanh(x), x))
    .step(Derivative(_frac(X - XM, X + XM), x), r"definition $\tanh x = \frac{e^x - e^{-x}}{e^x + e^{-x}}$")
    .step(_frac((X + XM) ** 2 - (X - XM) ** 2, (X + XM) ** 2), "quotient rule")
    .step(1 - Pow(_frac(X - XM, X + XM), 2, evaluate=False), "split the fraction")
    .step(1 - tanh(x) ** 2, "definition of tanh")
)

A2 = exp(-2 * a)
tanh_eq_two_sigmoid_two_mul_sub_one = (
    Proof("tanh_eq_two_sigmoid_two_mul_sub_one", r"Tanh through the sigmoid: $\tanh(a) = 2\sigma(2a) - 1$",
          assume={"a": "real"})
    .given(tanh(a))
    .step(_frac(exp(a) - exp(-a), exp(a) + exp(-a)), "definition of tanh")
    .step(_frac(1 - A2, 1 + A2), "divide numerator and denominator by $e^{a}$")
    .step(_frac(Add(2, -(1 + A2), evaluate=False), 1 + A2), "$1 - u = 2 - (1 + u)$")
    .step(_frac(2, 1 + A2) - 1, "split the fraction")
    .step(2 * sigmoid(2 * a) - 1, r"definition of $\sigma$ at $2a$")
)

sigmoid_eq_tanh_half = (
    Proof("sigmoid_eq_tanh_half", r"The sigmoid through tanh: $\sigma(z) = \frac{1 + \tanh(z/2)}{2}$",
          assume={"z": "real"})
    .given(sigmoid(z))
    .step(_frac(Add(1, 2 * sigmoid(z) - 1, evaluate=False), 2), "add and subtract 1, halve")
    .step(_frac(1 + tanh(z / 2), 2), r"$2\sigma(2a) - 1 = \tanh(a)$ at $a = z/2$ (tanh_eq_two_sigmoid_two_mul_sub_one)")
)

relu_deriv = (
    Proof("relu_deriv", r"Derivative of ReLU: $\mathrm{ReLU}'(a) = [a > 0]$ for $a \neq 0$",
          assume={"a": "nonzero"},
          note=r"At $a = 0$ ReLU has no derivative; derive (like PyTorch) uses the convention "
               r"$\mathrm{ReLU}'(0) = 0$, so $[a>0]$ is its derivative everywhere.")
    .given(Derivative(relu(a), a))
    .step(Derivative(Piecewise((a, a > 0), (0, True)), a), r"definition $\mathrm{ReLU}(a) = \max(0, a)$")
    .step(Piecewise((1, a > 0), (0, True)), "differentiate each piece ($a \\neq 0$)")
    .step(Heaviside(a, 0), "the indicator $[a > 0]$")
)
