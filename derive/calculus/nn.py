"""Network builders: the objects the derivations talk about, as explicit SymPy expressions.

Generic builders return sums over symbolic sizes (``Sum`` over ``Indexed``); concrete
builders return explicit matrices with one symbol per weight, so a result can be
checked by differentiating the whole composed network. Convolutions are
cross-correlations with zero 'same' padding, as ``torch.nn.functional.conv1d/conv2d``
compute them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import sympy as sp

from .functions import relu
from .notation import layer_indexed


# --- generic (symbolic sizes) -------------------------------------------------

def dense_unit(W, b, a_prev, j, n_in, i=None, bias_index=None):
    """``sum_{i=1}^{n_in} W[j,i] a_prev[i] + b``: one pre-activation of a dense layer.

    With ``bias_index`` the bias is ``W[j, bias_index]`` (PRML's ``w_{j0}``), else ``b[j]``.
    """
    i = i if i is not None else sp.Symbol("i", integer=True)
    bias = W[j, bias_index] if bias_index is not None else b[j]
    return sp.Sum(W[j, i] * a_prev[i], (i, 1, n_in)) + bias


def two_layer_network(w1, w2, x, k, M, D, activation, j=None, i=None):
    """PRML eq. 5.7: ``y_k = sum_j w2[k,j] h(sum_i w1[j,i] x[i] + w1[j,0]) + w2[k,0]``."""
    j = j if j is not None else sp.Symbol("j", integer=True)
    i = i if i is not None else sp.Symbol("i", integer=True)
    hidden = dense_unit(w1, None, x, j, D, i=i, bias_index=0)
    return sp.Sum(w2[k, j] * activation(hidden), (j, 1, M)) + w2[k, 0]


# --- concrete (every weight a symbol) --------------------------------------------

@dataclass
class Network:
    """A dense network with explicit entries: ``z[l] = W[l] a[l-1] + b[l]``, ``a[l] = g_l(z[l])``."""

    widths: list
    W: list = field(default_factory=list)
    b: list = field(default_factory=list)
    z: list = field(default_factory=list)
    a: list = field(default_factory=list)
    activations: list = field(default_factory=list)

    @property
    def x(self):
        return self.a[0]

    @property
    def output(self):
        return self.a[-1]

    def parameters(self) -> list:
        out = []
        for l in range(1, len(self.widths)):
            out.extend(self.W[l])
            if self.b[l] is not None:
                out.extend(self.b[l])
        return out


def network(widths: Sequence[int], activations: Sequence[Callable], biases: bool = True,
            weight: str = "W", bias: str = "b", inputs: str = "x") -> Network:
    """An L-layer dense network of the given widths (``widths[0]`` inputs).

    ``activations[l-1]`` is layer l's activation: a concrete one (``sp.tanh``,
    ``sigmoid``, ``relu``) or an undefined function (``sp.Function("g_1")``).
    """
    if len(activations) != len(widths) - 1:
        raise ValueError("one activation per layer after the input")
    xs = sp.IndexedBase(inputs, real=True)
    net = Network(list(widths), W=[None], b=[None], z=[None], activations=[None, *activations])
    net.a.append(sp.Matrix([xs[i] for i in range(1, widths[0] + 1)]))
    for l in range(1, len(widths)):
        Wl = layer_indexed(weight, l)
        W = sp.Matrix(widths[l], widths[l - 1], lambda j, k: Wl[j + 1, k + 1])
        bl = sp.Matrix([layer_indexed(bias, l)[j + 1] for j in range(widths[l])]) if biases else None
        z = W * net.a[l - 1] + (bl if bl is not None else sp.zeros(widths[l], 1))
        g = activations[l - 1]
        net.W.append(W)
        net.b.append(bl)
        net.z.append(z)
        net.a.append(z.applyfunc(g))
    return net


def derivative_of(g: Callable, at):
    """g'(at), for concrete and undefined activations alike."""
    t = sp.Dummy("t", real=True)
    return sp.diff(g(t), t).subs(t, at)


# --- convolutions ---------------------------------------------------------------

def conv1d_same(x: Sequence, w: Sequence) -> list:
    """Cross-correlation with zero padding of ``(k-1)/2``: ``out[p] = sum_m w[m] x[p+m-c]``."""
    n, k = len(x), len(w)
    c = (k - 1) // 2
    return [sp.Add(*[w[m] * x[p + m - c] for m in range(k) if 0 <= p + m - c < n]) for p in range(n)]


def conv2d_same(x: sp.Matrix, w: sp.Matrix) -> sp.Matrix:
    """2-D cross-correlation with zero 'same' padding."""
    (n1, n2), (k1, k2) = x.shape, w.shape
    c1, c2 = (k1 - 1) // 2, (k2 - 1) // 2

    def entry(p, q):
        return sp.Add(*[w[m, r] * x[p + m - c1, q + r - c2] for m in range(k1) for r in range(k2)
                        if 0 <= p + m - c1 < n1 and 0 <= q + r - c2 < n2])

    return sp.Matrix(n1, n2, entry)


def flip1d(w: Sequence) -> list:
    return list(reversed(list(w)))


def flip2d(w: sp.Matrix) -> sp.Matrix:
    return sp.Matrix(w.shape[0], w.shape[1], lambda i, j: w[w.shape[0] - 1 - i, w.shape[1] - 1 - j])


def correlate1d_grad(inp: Sequence, grad_out: Sequence, k: int) -> list:
    """``dL/dw[m] = sum_p grad_out[p] inp[p+m-c]``: the kernel gradient of a same conv."""
    n, c = len(inp), (k - 1) // 2
    return [sp.Add(*[grad_out[p] * inp[p + m - c] for p in range(n) if 0 <= p + m - c < n]) for m in range(k)]


def correlate2d_grad(inp: sp.Matrix, grad_out: sp.Matrix, k1: int, k2: int) -> sp.Matrix:
    (n1, n2), c1, c2 = inp.shape, (k1 - 1) // 2, (k2 - 1) // 2
    return sp.Matrix(k1, k2, lambda m, r: sp.Add(*[
        grad_out[p, q] * inp[p + m - c1, q + r - c2] for p in range(n1) for q in range(n2)
        if 0 <= p + m - c1 < n1 and 0 <= q + r - c2 < n2]))


@dataclass
class ResidualBlock:
    """Spec section 5: ``h1 = x*w1, z1 = ReLU(h1), h2 = z1*w2, h3 = h2 + x, y = ReLU(h3)``."""

    x: object
    w1: object
    w2: object
    h1: object
    z1: object
    h2: object
    h3: object
    y: object


def residual_block(x, w1, w2) -> ResidualBlock:
    """The block for a 1-D list or a 2-D Matrix signal, with 'same' convolutions."""
    if isinstance(x, sp.MatrixBase):
        h1 = conv2d_same(x, w1)
        z1 = h1.applyfunc(relu)
        h2 = conv2d_same(z1, w2)
        h3 = h2 + x
        return ResidualBlock(x, w1, w2, h1, z1, h2, h3, h3.applyfunc(relu))
    h1 = conv1d_same(x, w1)
    z1 = [relu(v) for v in h1]
    h2 = conv1d_same(z1, w2)
    h3 = [a + b for a, b in zip(h2, x)]
    return ResidualBlock(x, w1, w2, h1, z1, h2, h3, [relu(v) for v in h3])


# --- parameter counts ---------------------------------------------------------------

def conv_params(c_in, c_out, k, bias: bool = True, k2=None):
    """Weights and biases of a ``k x k2`` convolution from ``c_in`` to ``c_out`` channels."""
    k2 = k if k2 is None else k2
    return (c_in * k * k2 + (1 if bias else 0)) * c_out


def batchnorm_params(channels):
    """A batch-norm layer learns a scale and a shift per channel: ``2C``."""
    return 2 * channels


def dense_params(n_in, n_out, bias: bool = True):
    return n_in * n_out + (n_out if bias else 0)


# --- back-propagation -------------------------------------------------------------------

@dataclass
class Backprop:
    """The delta rules evaluated on a concrete network: deltas and gradients per layer."""

    delta: list
    grad_W: list
    grad_b: list

    def gradients(self, net: Network) -> list:
        """Gradients in the order of ``net.parameters()``."""
        out = []
        for l in range(1, len(net.widths)):
            out.extend(self.grad_W[l])
            if net.b[l] is not None:
                out.extend(self.grad_b[l])
        return out


def delta_rule(net: Network, dL_da_out) -> Backprop:
    """``delta^(L) = dL/da^(L) * g_L'(z^(L))``, ``delta^(l) = g_l'(z^(l)) * W^(l+1)^T delta^(l+1)``,
    ``dL/dW^(l) = delta^(l) a^(l-1)^T``, ``dL/db^(l) = delta^(l)``."""
    L = len(net.widths) - 1
    delta = [None] * (L + 1)
    gprime = lambda l: net.z[l].applyfunc(lambda v: derivative_of(net.activations[l], v))  # noqa: E731
    delta[L] = sp.Matrix(dL_da_out).multiply_elementwise(gprime(L))
    for l in range(L - 1, 0, -1):
        delta[l] = gprime(l).multiply_elementwise(net.W[l + 1].T * delta[l + 1])
    grad_W = [None] + [delta[l] * net.a[l - 1].T for l in range(1, L + 1)]
    grad_b = [None] + [delta[l] for l in range(1, L + 1)]
    return Backprop(delta, grad_W, grad_b)
