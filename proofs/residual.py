"""Residual-block Jacobian.

Spec section 5 (seeds 000, 004; He et al. 2016). The block h1 = x * w1, z1 = ReLU(h1),
h2 = z1 * w2, h3 = h2 + x, y = ReLU(h3) with 'same' cross-correlations (as PyTorch's
conv1d/conv2d), G = dL/dy known. ReLU'(0) = 0 (derive's convention, as PyTorch).

- ``residual_block_jacobian``: the dense form for a symbolic width n,
  dy_p/dx_q = [h3_p > 0] (delta_pq + sum_r W2_pr [h1_r > 0] W1_rq), that is
  dy/dx = diag[h3 > 0] (I + W2 diag[h1 > 0] W1);
- ``residual_conv1d_grad_w2``, ``..._w1``, ``..._x`` (length 5, kernel 3) and
  ``residual_conv2d_grad_w2``, ``..._w1``, ``..._x`` (4x4, kernel 3x3), every entry
  symbolic: dL/dh3 = G . [h3 > 0]; dL/dw2 = correlation of z1 with dL/dh3;
  dL/dz1 = dL/dh3 convolved with the flipped w2; dL/dh1 = dL/dz1 . [h1 > 0];
  dL/dw1 = correlation of x with dL/dh1; dL/dx = dL/dh3 + dL/dh1 convolved with the
  flipped w1, the identity shortcut's term shown as its own step;
- ``residual_seed_mistakes``: the seeds' mistakes refuted (seed 004's ReLU gate on h2
  and unflipped kernel, seed 000's missing shortcut term).
"""
import sympy as sp
from sympy import Derivative, Heaviside, KroneckerDelta, Sum, Symbol

from derive import Proof, relu, theorem
from derive.calculus.nn import (conv1d_same, conv2d_same, correlate1d_grad, correlate2d_grad, flip1d, flip2d,
                       residual_block)
from derive.calculus.notation import display_as, layer_indexed

# --- dense form, symbolic width ---------------------------------------------------------

n = Symbol("n", integer=True, positive=True)
p, q, r, s = (Symbol(v, integer=True) for v in "pqrs")
x = sp.IndexedBase("x", real=True)
W1, W2 = layer_indexed("W", 1), layer_indexed("W", 2)


def _h1(rr):
    return Sum(W1[rr, s] * x[s], (s, 1, n))


def _h3(pp):
    return Sum(W2[pp, r] * relu(_h1(r)), (r, 1, n)) + x[pp]


residual_block_jacobian = (
    Proof("residual_block_jacobian",
          r"Jacobian of a dense residual block: $\frac{\partial y}{\partial x} = \mathrm{diag}[h^{(3)}>0]"
          r"\,(I + W^{(2)}\mathrm{diag}[h^{(1)}>0]\,W^{(1)})$",
          assume={"p": "index", "q": "index"},
          note=r"Dense form: $h^{(1)} = W^{(1)} x$, $h^{(3)} = W^{(2)} \mathrm{ReLU}(h^{(1)}) + x$, "
               r"$y = \mathrm{ReLU}(h^{(3)})$, for a symbolic width $n$; entry $(p, q)$ of the Jacobian. "
               r"$[t > 0]$ is $\mathrm{ReLU}'(t)$ with the convention $\mathrm{ReLU}'(0) = 0$.")
    .given(Derivative(relu(_h3(p)), x[q]))
    .step(Heaviside(_h3(p), 0) * Derivative(_h3(p), x[q]), r"$\mathrm{ReLU}'(t) = [t > 0]$, chain rule")
    .step(Heaviside(_h3(p), 0) * (Sum(W2[p, r] * Heaviside(_h1(r), 0) * Derivative(_h1(r), x[q]), (r, 1, n))
                                 + KroneckerDelta(p, q)),
          r"differentiate both paths; the shortcut gives $\partial x_p/\partial x_q = \delta_{pq}$")
    .step(Heaviside(_h3(p), 0) * (KroneckerDelta(p, q) + Sum(W2[p, r] * Heaviside(_h1(r), 0) * W1[r, q], (r, 1, n))),
          r"$\partial h^{(1)}_r / \partial x_q = W^{(1)}_{rq}$")
)

# --- convolutional forms, every entry a symbol ----------------------------------------------

G = sp.IndexedBase(display_as("G", r"G"), real=True)
L = Symbol("L")


def _signals_1d(length, k):
    xs = [sp.IndexedBase("x", real=True)[i] for i in range(length)]
    w1 = [layer_indexed("w", 1)[i] for i in range(k)]
    w2 = [layer_indexed("w", 2)[i] for i in range(k)]
    return xs, w1, w2


def _signals_2d(n1, n2, k):
    X = sp.Matrix(n1, n2, lambda i, j: sp.IndexedBase("x", real=True)[i, j])
    w1 = sp.Matrix(k, k, lambda i, j: layer_indexed("w", 1)[i, j])
    w2 = sp.Matrix(k, k, lambda i, j: layer_indexed("w", 2)[i, j])
    return X, w1, w2


def _grads_1d(blk, k):
    """The rules of the spec on a 1-D block: dL/dh3, dL/dw2, dL/dz1, dL/dh1, dL/dw1, dL/dx."""
    n_ = len(blk.x)
    dh3 = [G[i] * Heaviside(blk.h3[i], 0) for i in range(n_)]
    dw2 = correlate1d_grad(blk.z1, dh3, k)
    dz1 = conv1d_same(dh3, flip1d(blk.w2))
    dh1 = [dz1[i] * Heaviside(blk.h1[i], 0) for i in range(n_)]
    dw1 = correlate1d_grad(blk.x, dh1, k)
    through_conv = conv1d_same(dh1, flip1d(blk.w1))
    return dict(dh3=dh3, dw2=dw2, dz1=dz1, dh1=dh1, dw1=dw1, conv_path=through_conv)


def _grads_2d(blk, k):
    n1, n2 = blk.x.shape
    dh3 = sp.Matrix(n1, n2, lambda i, j: G[i, j] * Heaviside(blk.h3[i, j], 0))
    dw2 = correlate2d_grad(blk.z1, dh3, k, k)
    dz1 = conv2d_same(dh3, flip2d(blk.w2))
    dh1 = dz1.multiply_elementwise(blk.h1.applyfunc(lambda v: Heaviside(v, 0)))
    dw1 = correlate2d_grad(blk.x, dh1, k, k)
    through_conv = conv2d_same(dh1, flip2d(blk.w1))
    return dict(dh3=dh3, dw2=dw2, dz1=dz1, dh1=dh1, dw1=dw1, conv_path=through_conv)


def _loss(blk):
    """L's first-order stand-in: sum_p G_p y_p has the same derivatives as L (G = dL/dy held fixed)."""
    ys = list(blk.y) if isinstance(blk.y, sp.MatrixBase) else blk.y
    idx = [(i, j) for i in range(blk.x.shape[0]) for j in range(blk.x.shape[1])] \
        if isinstance(blk.x, sp.MatrixBase) else list(range(len(blk.x)))
    return sp.Add(*[G[i] * yv for i, yv in zip(idx, ys)])


def _col(v):
    return sp.Matrix(list(v))


NOTE_L = (r"$G = \partial L/\partial y$ is known; since $L$ depends on the parameters only through $y$, every "
          r"first derivative of $L$ equals that of $\sum_p G_p y_p$, which the first line differentiates directly "
          r"through the whole block (shown abbreviated); every entry of $x$, $w^{(1)}$, $w^{(2)}$, $G$ is a symbol.")
RULE_DH3 = r"$\partial L/\partial h^{(3)} = G \odot [h^{(3)} > 0]$"


def _grad_display(name, params):
    return _col([Derivative(L, v) for v in params]), _col([Symbol(f"{name}[{i}]") for i in range(len(params))])


def _conv_proofs(dim, build, grads, sizes):
    blk = build()
    gr = grads(blk)
    loss = _loss(blk)
    tag = f"conv{dim}d"
    size_text = " x ".join(map(str, sizes))
    out = {}
    for key, params, rule, label, shown in (
            ("dw2", blk.w2, "correlation of $z^{(1)}$ with " + RULE_DH3, r"\partial L/\partial w^{(2)}",
             r"\mathrm{corr}\left(z^{(1)}, G \odot [h^{(3)} > 0]\right)"),
            ("dw1", blk.w1, r"correlation of $x$ with $\partial L/\partial h^{(1)} = (\partial L/\partial h^{(3)} "
                            r"\star \mathrm{flip}(w^{(2)})) \odot [h^{(1)} > 0]$", r"\partial L/\partial w^{(1)}",
             r"\mathrm{corr}\left(x, \partial L/\partial h^{(1)}\right)")):
        plist = list(params)
        direct = _col([Derivative(loss, v) for v in plist])
        out[key] = (Proof(f"residual_{tag}_grad_{key[1:]}",
                          f"Residual block, {dim}-D ({size_text}): ${label}$",
                          note=NOTE_L, timeout=60.0)
                    .given(direct, display=_col([Derivative(L, v) for v in plist]))
                    .step(_col(gr[key]), rule, display=Symbol(shown)))
    xs = list(blk.x)
    dh3 = list(gr["dh3"])
    conv = list(gr["conv_path"])
    h2 = list(blk.h2)
    out["dx"] = (Proof(f"residual_{tag}_grad_x",
                       f"Residual block, {dim}-D ({size_text}): $\\partial L/\\partial x$ with the shortcut term",
                       note=NOTE_L + r" The identity shortcut $h^{(3)} = h^{(2)} + x$ contributes the bare $\partial L/\partial h^{(3)}$ term.",
                       timeout=60.0)
                 .given(_col([Derivative(loss, v) for v in xs]), display=_col([Derivative(L, v) for v in xs]))
                 .step(_col([dh3[i] + sum(dh3[j] * sp.diff(h2[j], xs[i]) for j in range(len(xs)))
                             for i in range(len(xs))]),
                       r"$h^{(3)} = h^{(2)} + x$: the shortcut term $\partial L/\partial h^{(3)}$ plus the path through $h^{(2)}$",
                       display=sp.Matrix([[Symbol(r"\partial L/\partial h^{(3)}") +
                                           Symbol(r"(\partial h^{(2)}/\partial x)^T \partial L/\partial h^{(3)}")]]))
                 .step(_col([dh3[i] + conv[i] for i in range(len(xs))]),
                       r"the path through $h^{(2)}$: $\partial L/\partial h^{(1)} \star \mathrm{flip}(w^{(1)})$",
                       display=sp.Matrix([[Symbol(r"\partial L/\partial h^{(3)}") +
                                           Symbol(r"\partial L/\partial h^{(1)} \star \mathrm{flip}(w^{(1)})")]])))
    return out


@theorem
def residual_conv1d_grad_w2(length=5, k=3):
    """1-D block: the kernel gradient of the second convolution."""
    return _conv_proofs(1, lambda: residual_block(*_signals_1d(length, k)), lambda b: _grads_1d(b, k), (length,))["dw2"]


@theorem
def residual_conv1d_grad_w1(length=5, k=3):
    """1-D block: the kernel gradient of the first convolution."""
    return _conv_proofs(1, lambda: residual_block(*_signals_1d(length, k)), lambda b: _grads_1d(b, k), (length,))["dw1"]


@theorem
def residual_conv1d_grad_x(length=5, k=3):
    """1-D block: the input gradient with the shortcut term."""
    return _conv_proofs(1, lambda: residual_block(*_signals_1d(length, k)), lambda b: _grads_1d(b, k), (length,))["dx"]


@theorem
def residual_conv2d_grad_w2(n1=4, n2=4, k=3):
    """2-D block: the kernel gradient of the second convolution."""
    return _conv_proofs(2, lambda: residual_block(*_signals_2d(n1, n2, k)), lambda b: _grads_2d(b, k), (n1, n2))["dw2"]


@theorem
def residual_conv2d_grad_w1(n1=4, n2=4, k=3):
    """2-D block: the kernel gradient of the first convolution."""
    return _conv_proofs(2, lambda: residual_block(*_signals_2d(n1, n2, k)), lambda b: _grads_2d(b, k), (n1, n2))["dw1"]


@theorem
def residual_conv2d_grad_x(n1=4, n2=4, k=3):
    """2-D block: the input gradient with the shortcut term."""
    return _conv_proofs(2, lambda: residual_block(*_signals_2d(n1, n2, k)), lambda b: _grads_2d(b, k), (n1, n2))["dx"]


def seed_mistakes_1d(length=5, k=3):
    """The seeds' versions of the 1-D gradients, next to the right ones."""
    blk = residual_block(*_signals_1d(length, k))
    gr = _grads_1d(blk, k)
    loss = _loss(blk)
    n_ = len(blk.x)
    gate_h2 = [gr["dz1"][i] * Heaviside(blk.h2[i], 0) for i in range(n_)]
    unflipped = [conv1d_same(gr["dh3"], blk.w2)[i] * Heaviside(blk.h1[i], 0) for i in range(n_)]
    return dict(
        blk=blk, loss=loss, grads=gr,
        seed004_gate=correlate1d_grad(blk.x, gate_h2, k),
        seed004_unflipped=correlate1d_grad(blk.x, unflipped, k),
        seed000_no_shortcut=list(gr["conv_path"]),
    )


@theorem
def residual_seed_mistakes():
    """Each mistake of the seeds, refuted with a point where it gives another gradient."""
    m = seed_mistakes_1d()
    blk, loss = m["blk"], m["loss"]
    return (Proof("residual_seed_mistakes", "The seeds' residual-block gradients that are wrong (1-D, length 5)",
                  note="Each refuted line is compared with the direct derivative of the first line (the right "
                       "gradient). Seed 004 gates dL/dw1 with [h2 > 0] instead of [h1 > 0] and convolves with the "
                       "unflipped w2; seed 000 drops the shortcut term dL/dh3 from dL/dx.")
            .given(_col([Derivative(loss, v) for v in blk.w1]), display=_col([Derivative(L, v) for v in blk.w1]))
            .step(_col(m["seed004_gate"]), "seed 004: gate $[h^{(2)} > 0]$ in $\\partial L/\\partial w^{(1)}$",
                  expect="refuted", display=Symbol(r"x \star ((\partial L/\partial h^{(3)} \star \mathrm{flip}(w^{(2)})) \odot [h^{(2)}>0])"))
            .step(_col(m["seed004_unflipped"]), "seed 004: $w^{(2)}$ not flipped", expect="refuted",
                  display=Symbol(r"x \star ((\partial L/\partial h^{(3)} \star w^{(2)}) \odot [h^{(1)}>0])"))
            .step(_col(m["grads"]["dw1"]), "the right rule",
                  display=Symbol(r"x \star ((\partial L/\partial h^{(3)} \star \mathrm{flip}(w^{(2)})) \odot [h^{(1)}>0])")))
