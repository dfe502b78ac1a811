"""Oracle tests: every instantiated gradient, Jacobian and count against PyTorch (float64, CPU).

These tests run in CI, never skipped there: torch==2.13.0 is a test extra.
"""
import random
import sys

import pytest
import sympy as sp
import torch

from derive import sigmoid
from derive.calculus.nn import (delta_rule, network)
from tests.conftest import ROOT
from tests.oracle import random_point, value

sys.path.insert(0, str(ROOT / "proofs"))
import backprop  # noqa: E402
import residual  # noqa: E402
import tanh_sigmoid  # noqa: E402

torch.set_default_dtype(torch.float64)
RNG = random.Random(7)


def t(x):
    return torch.tensor(float(x))


def _weights(net, point):
    Ws = [None] + [torch.tensor([[float(point[net.W[l][r, c]]) for c in range(net.W[l].shape[1])]
                                 for r in range(net.W[l].shape[0])]) for l in range(1, len(net.widths))]
    bs = [None] + [torch.tensor([float(point[v]) for v in net.b[l]]) if net.b[l] is not None else None
                   for l in range(1, len(net.widths))]
    return Ws, bs


@pytest.mark.parametrize("widths, acts, torch_acts, loss, torch_loss, biases", [
    ((2, 2, 1), [sp.tanh, sigmoid], [torch.tanh, torch.sigmoid],
     lambda a, y: (y - a) ** 2, lambda a, y: (y - a) ** 2, False),                       # seed 001
    ((2, 3, 2, 1), [sp.tanh, sigmoid, lambda v: v], [torch.tanh, torch.sigmoid, lambda v: v],
     lambda a, y: (a - y) ** 2 / 2, lambda a, y: (a - y) ** 2 / 2, True),                  # 3 layers
    ((3, 4, 1), [sp.tanh, sp.tanh], [torch.tanh, torch.tanh],
     lambda a, y: sp.log(1 + sp.exp(-y * a)), lambda a, y: torch.log(1 + torch.exp(-y * a)), True),
])
def test_delta_rule_gradients_match_autograd(widths, acts, torch_acts, loss, torch_loss, biases):
    net = network(list(widths), acts, biases=biases)
    y = sp.Symbol("y", real=True)
    tt = sp.Symbol("t", real=True)
    dL = sp.diff(loss(tt, y), tt).subs(tt, net.output[0])
    grads = delta_rule(net, [dL]).gradients(net)
    for _ in range(3):
        point = random_point(net.parameters() + list(net.x) + [y], RNG)
        Ws, bs = _weights(net, point)
        for p in Ws[1:] + [b for b in bs[1:] if b is not None]:
            p.requires_grad_()
        a = torch.tensor([float(point[v]) for v in net.x])
        for l in range(1, len(widths)):
            z = Ws[l] @ a + (bs[l] if bs[l] is not None else 0)
            a = torch_acts[l - 1](z)
        torch_loss(a[0], t(point[y])).backward()
        expected = []
        for l in range(1, len(widths)):
            expected += Ws[l].grad.flatten().tolist()
            if bs[l] is not None:
                expected += bs[l].grad.tolist()
        got = [value(g, point) for g in grads]
        assert got == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_seed003_worked_example_matches_autograd():
    net, values, y = backprop.seed003_network()
    Ws, bs = _weights(net, values)
    for p in Ws[1:] + bs[1:]:
        p.requires_grad_()
    a = torch.tensor([2.0])
    for l, act in zip(range(1, 4), (torch.tanh, torch.tanh, lambda v: v)):
        a = act(Ws[l] @ a + bs[l])
    ((a[0] - y) ** 2).backward()
    bp = delta_rule(net, [2 * (net.output[0] - y)])
    got = [value(g.xreplace(values), {}) for g in bp.gradients(net)]
    expected = []
    for l in range(1, 4):
        expected += Ws[l].grad.flatten().tolist() + bs[l].grad.tolist()
    assert got == pytest.approx(expected, rel=1e-12)
    # the sheet's forward values: s(1) = (0.7, 1.0), s(3) = -0.8 to one decimal
    assert [value(v.xreplace(values), {}) for v in net.z[1]] == pytest.approx([0.7, 1.0])
    assert value(net.z[3][0].xreplace(values), {}) == pytest.approx(-0.8031, abs=1e-4)


def test_tanh_and_sigmoid_networks_agree_in_torch():
    M, D, K = 3, 2, 2
    w1 = torch.randn(M, D + 1, generator=torch.Generator().manual_seed(1))
    w2 = torch.randn(K, M + 1, generator=torch.Generator().manual_seed(2))
    x = torch.randn(5, D, generator=torch.Generator().manual_seed(3))
    y_sig = torch.sigmoid(x @ w1[:, 1:].T + w1[:, 0]) @ w2[:, 1:].T + w2[:, 0]
    t1, t2 = w1 / 2, w2 / 2
    t2 = torch.cat([(w2[:, 0] + w2[:, 1:].sum(1) / 2)[:, None], t2[:, 1:]], 1)
    y_tanh = torch.tanh(x @ t1[:, 1:].T + t1[:, 0]) @ t2[:, 1:].T + t2[:, 0]
    assert torch.allclose(y_sig, y_tanh, atol=1e-12)
    # the instantiated proof's formulas give the same numbers
    proof = tanh_sigmoid.tanh_sigmoid_networks_instantiated(M, D, K)
    point = {}
    for j in range(M):
        for i in range(D + 1):
            point[tanh_sigmoid.w1[j + 1, i]] = sp.Rational(float(w1[j, i])).limit_denominator(10**12)
    for k in range(K):
        for j in range(M + 1):
            point[tanh_sigmoid.w2[k + 1, j]] = sp.Rational(float(w2[k, j])).limit_denominator(10**12)
    for i in range(D):
        point[tanh_sigmoid.x[i + 1]] = sp.Rational(float(x[0, i])).limit_denominator(10**12)
    got = [value(e, point) for e in proof.steps[0].expr]
    assert got == pytest.approx(y_sig[0].tolist(), rel=1e-9)


def _block_torch(dim, xs, w1, w2, G):
    conv = torch.nn.functional.conv1d if dim == 1 else torch.nn.functional.conv2d
    x = xs.clone().requires_grad_()
    k1, k2 = w1.clone().requires_grad_(), w2.clone().requires_grad_()
    shape = (1, 1) + tuple(xs.shape)
    h1 = conv(x.reshape(shape), k1.reshape((1, 1) + tuple(w1.shape)), padding=1)
    z1 = torch.relu(h1)
    h2 = conv(z1, k2.reshape((1, 1) + tuple(w2.shape)), padding=1)
    y = torch.relu(h2.reshape(xs.shape) + x)
    (G * y).sum().backward()
    return x.grad, k1.grad, k2.grad


@pytest.mark.parametrize("dim", [1, 2])
def test_residual_block_gradients_match_autograd(dim):
    if dim == 1:
        xs, w1, w2 = residual._signals_1d(5, 3)
        blk = residual.residual_block(xs, w1, w2)
        gr = residual._grads_1d(blk, 3)
        Gs = [residual.G[i] for i in range(5)]
    else:
        xs, w1, w2 = residual._signals_2d(4, 4, 3)
        blk = residual.residual_block(xs, w1, w2)
        gr = residual._grads_2d(blk, 3)
        Gs = [residual.G[i, j] for i in range(4) for j in range(4)]
    symbols = list(xs) + list(w1) + list(w2) + Gs
    for _ in range(3):
        point = random_point(symbols, RNG)
        T = lambda m: torch.tensor([[float(point[v]) for v in row] for row in m.tolist()]) \
            if dim == 2 else torch.tensor([float(point[v]) for v in m])  # noqa: E731
        tx, tw1, tw2 = T(xs), T(w1), T(w2)
        tG = torch.tensor([float(point[g]) for g in Gs]).reshape(tx.shape)
        gx, gw1, gw2 = _block_torch(dim, tx, tw1, tw2, tG)
        dx = [a + b for a, b in zip(list(gr["dh3"]), list(gr["conv_path"]))]
        assert [value(e, point) for e in gr["dw2"]] == pytest.approx(gw2.flatten().tolist(), rel=1e-9, abs=1e-12)
        assert [value(e, point) for e in gr["dw1"]] == pytest.approx(gw1.flatten().tolist(), rel=1e-9, abs=1e-12)
        assert [value(e, point) for e in dx] == pytest.approx(gx.flatten().tolist(), rel=1e-9, abs=1e-12)


def test_residual_seed_mistakes_disagree_with_autograd():
    m = residual.seed_mistakes_1d()
    blk = m["blk"]
    symbols = list(blk.x) + list(blk.w1) + list(blk.w2) + [residual.G[i] for i in range(5)]
    differs = {"seed004_gate": False, "seed004_unflipped": False, "seed000_no_shortcut": False}
    for _ in range(5):
        point = random_point(symbols, RNG)
        tx = torch.tensor([float(point[v]) for v in blk.x])
        tw1 = torch.tensor([float(point[v]) for v in blk.w1])
        tw2 = torch.tensor([float(point[v]) for v in blk.w2])
        tG = torch.tensor([float(point[residual.G[i]]) for i in range(5)])
        gx, gw1, _ = _block_torch(1, tx, tw1, tw2, tG)
        for key, truth in (("seed004_gate", gw1), ("seed004_unflipped", gw1), ("seed000_no_shortcut", gx)):
            got = torch.tensor([value(e, point) for e in m[key]])
            differs[key] |= not torch.allclose(got, truth, atol=1e-9)
    assert all(differs.values()), differs


def test_dense_residual_jacobian_matches_autograd():
    n = 4
    g = torch.Generator().manual_seed(5)
    W1, W2, x = torch.randn(n, n, generator=g), torch.randn(n, n, generator=g), torch.randn(n, generator=g)
    f = lambda v: torch.relu(W2 @ torch.relu(W1 @ v) + v)  # noqa: E731
    J = torch.autograd.functional.jacobian(f, x)
    h1, h3 = W1 @ x, W2 @ torch.relu(W1 @ x) + x
    formula = torch.diag((h3 > 0).double()) @ (torch.eye(n) + W2 @ torch.diag((h1 > 0).double()) @ W1)
    assert torch.allclose(J, formula, atol=1e-12)


@pytest.mark.parametrize("n, p, f, s", [(7, 0, 3, 1), (7, 1, 3, 2), (32, 2, 5, 3), (9, 0, 2, 2), (10, 3, 4, 4)])
def test_conv_and_pool_output_sizes_match_torch(n, p, f, s):
    x = torch.zeros(1, 1, n, n)
    out = torch.nn.functional.conv2d(x, torch.zeros(1, 1, f, f), stride=s, padding=p)
    assert out.shape[-1] == (n + 2 * p - f) // s + 1
    pooled = torch.nn.functional.max_pool2d(x, kernel_size=f, stride=s)
    assert pooled.shape[-1] == (n - f) // s + 1


def test_receptive_field_of_four_3x3_layers_is_81():
    x = torch.zeros(1, 1, 21, 21, requires_grad=True)
    h = x
    for _ in range(4):
        h = torch.nn.functional.conv2d(h, torch.ones(1, 1, 3, 3), padding=1)
    h[0, 0, 10, 10].backward()
    assert int((x.grad != 0).sum()) == 81


@pytest.mark.parametrize("bias, bn, expected", [(True, False, 18496), (False, False, 18432), (True, True, 18624)])
def test_standard_block_parameter_count_matches_torch(bias, bn, expected):
    layers = [torch.nn.Conv2d(32, 32, 3, padding=1, bias=bias), torch.nn.Conv2d(32, 32, 3, padding=1, bias=bias)]
    if bn:
        layers += [torch.nn.BatchNorm2d(32), torch.nn.BatchNorm2d(32)]
    assert sum(p.numel() for m in layers for p in m.parameters()) == expected


@pytest.mark.parametrize("bias, bn, expected", [(True, False, 17600), (False, False, 17408), (True, True, 17984)])
def test_bottleneck_parameter_count_matches_torch(bias, bn, expected):
    layers = [torch.nn.Conv2d(128, 32, 1, bias=bias), torch.nn.Conv2d(32, 32, 3, padding=1, bias=bias),
              torch.nn.Conv2d(32, 128, 1, bias=bias)]
    if bn:
        layers += [torch.nn.BatchNorm2d(32), torch.nn.BatchNorm2d(32), torch.nn.BatchNorm2d(128)]
    assert sum(p.numel() for m in layers for p in m.parameters()) == expected


@pytest.mark.parametrize("d", [2, 3, 5])
def test_quadratic_eigen_expansion_matches_eigh(d):
    g = torch.Generator().manual_seed(d)
    A = torch.randn(d, d, generator=g)
    H = A @ A.T
    lam, U = torch.linalg.eigh(H)
    w, w_star = torch.randn(d, generator=g), torch.randn(d, generator=g)
    alpha = U.T @ (w - w_star)
    lhs = 0.5 * (w - w_star) @ H @ (w - w_star)
    assert torch.isclose(lhs, 0.5 * (lam * alpha**2).sum(), atol=1e-12)
    assert lhs >= 0  # H positive semidefinite
