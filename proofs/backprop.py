"""Back-propagation.

Spec section 3 (seeds 001, 002, 003). Main results, for arbitrary activations g_l
(undefined functions) and an arbitrary loss L, generic in the widths:

- ``backprop_output_delta``: delta^(L)_j = dL/da^(L)_j g_L'(z^(L)_j);
- ``backprop_hidden_delta`` (the one-layer lemma): delta^(l)_j = g_l'(z^(l)_j) sum_k W^(l+1)_kj delta^(l+1)_k;
- ``backprop_induction_step``: the lemma as the step of an induction on the layer l,
  downward from L, so the rules hold for every depth;
- ``backprop_weight_gradient``, ``backprop_bias_gradient``: dL/dW^(l)_jk = delta^(l)_j a^(l-1)_k, dL/db^(l)_j = delta^(l)_j.

Second route, on concrete networks with every weight a symbol (each gradient from the
delta rules equals the direct derivative of the composed network):
``backprop_seed001_network`` (2-2-1, tanh then sigmoid, squared loss, no biases) and
``backprop_three_layer_network`` (2-3-2-1 with biases, activations g_1, g_2, g_3 and loss
ell left arbitrary); and ``backprop_seed003_worked_example``, the numeric example of seed
003, exactly and to 4 decimals.
"""
import sympy as sp
from sympy import Derivative, Function, KroneckerDelta, Rational, Sum, Symbol

from derive import Proof, sigmoid, theorem
from derive.calculus.nn import delta_rule, network
from derive.calculus.notation import display_as, layer_indexed, layer_symbol

j, k, i, m = (Symbol(s, integer=True) for s in "jkim")
n_l = Symbol("n_l", integer=True, positive=True)
n_next = Symbol("n_{l+1}", integer=True, positive=True)
n_prev = Symbol("n_{l-1}", integer=True, positive=True)
n_L = Symbol("n_L", integer=True, positive=True)
g_l, g_L = Function("g_l"), Function("g_L")
INDEX = {"j": "index", "k": "index"}

z_l = layer_indexed("z", "l")
z_L = layer_indexed("z", "L")
W_next = layer_indexed("W", "l+1")
b_next = layer_indexed("b", "l+1")
W_l = layer_indexed("W", "l")
b_l = layer_indexed("b", "l")
a_prev = layer_indexed("a", "l-1")
delta_l = layer_indexed("delta", "l")
delta_next = layer_indexed("delta", "l+1")
dL_da = sp.IndexedBase(display_as("dL/da^(L)", r"\frac{\partial L}{\partial a^{(L)}_{%s}}"), real=True)
dL_dz_next = sp.IndexedBase(display_as("dL/dz^(l+1)", r"\frac{\partial L}{\partial z^{(l+1)}_{%s}}"), real=True)


def _z_next(kk, ii=i):
    """z^(l+1)_k as a function of z^(l): sum_i W^(l+1)_ki g_l(z^(l)_i) + b^(l+1)_k."""
    return Sum(W_next[kk, ii] * g_l(z_l[ii]), (ii, 1, n_l)) + b_next[kk]


backprop_output_delta = (
    Proof("backprop_output_delta", r"Output layer: $\delta^{(L)}_j = \frac{\partial L}{\partial a^{(L)}_j} g_L'(z^{(L)}_j)$",
          assume=INDEX,
          note=r"$L$ depends on $z^{(L)}$ through $a^{(L)}_k = g_L(z^{(L)}_k)$, so by the chain rule the first line "
               r"is $\partial L/\partial z^{(L)}_j$, which is $\delta^{(L)}_j$ by definition. The width $n_L$ is a symbol.")
    .given(Sum(dL_da[k] * Derivative(g_L(z_L[k]), z_L[j]), (k, 1, n_L)))
    .step(Sum(dL_da[k] * KroneckerDelta(j, k) * Derivative(g_L(z_L[k]), z_L[k]), (k, 1, n_L)),
          r"$\partial g_L(z_k)/\partial z_j = [k = j]\, g_L'(z_k)$")
    .step(dL_da[j] * Derivative(g_L(z_L[j]), z_L[j]), "the Kronecker delta picks $k = j$")
)

backprop_hidden_delta = (
    Proof("backprop_hidden_delta",
          r"Hidden layer (one-layer lemma): $\delta^{(l)}_j = g_l'(z^{(l)}_j)\sum_k W^{(l+1)}_{kj}\delta^{(l+1)}_k$",
          assume=INDEX,
          note=r"$L$ depends on $z^{(l)}$ only through $z^{(l+1)}$, so by the multivariable chain rule the first "
               r"line is $\partial L/\partial z^{(l)}_j = \delta^{(l)}_j$. The widths $n_l$ and $n_{l+1}$ are symbols.")
    .given(Sum(delta_next[k] * Derivative(_z_next(k), z_l[j]), (k, 1, n_next)))
    .step(Sum(delta_next[k] * Sum(W_next[k, i] * KroneckerDelta(i, j) * Derivative(g_l(z_l[i]), z_l[i]),
                                  (i, 1, n_l)), (k, 1, n_next)),
          r"differentiate term by term: $\partial z^{(l)}_i / \partial z^{(l)}_j = [i = j]$")
    .step(Sum(delta_next[k] * W_next[k, j] * Derivative(g_l(z_l[j]), z_l[j]), (k, 1, n_next)),
          "the Kronecker delta picks $i = j$")
    .step(Derivative(g_l(z_l[j]), z_l[j]) * Sum(W_next[k, j] * delta_next[k], (k, 1, n_next)),
          r"$g_l'(z^{(l)}_j)$ does not depend on $k$")
)

backprop_induction_step = (
    Proof("backprop_induction_step",
          "Induction on the layer: the delta rule holds at every depth",
          assume=INDEX, define={dL_dz_next: delta_next},
          note="Induction on the layer index $l$, downward from $l = L$. Base case: backprop_output_delta. "
               "Induction hypothesis (the Where line): $\\partial L/\\partial z^{(l+1)}_k = \\delta^{(l+1)}_k$ "
               "for every $k$. Step: the chain rule through $z^{(l+1)}$ (the first line) and the one-layer lemma "
               "give $\\partial L/\\partial z^{(l)}_j$, which is therefore the $\\delta^{(l)}_j$ of the recursion. "
               "So the recursion gives $\\partial L/\\partial z^{(l)}$ for every $l = L, L-1, \\dots, 1$, "
               "whatever the depth $L$.")
    .given(Sum(dL_dz_next[k] * Derivative(_z_next(k), z_l[j]), (k, 1, n_next)))
    .step(Sum(delta_next[k] * Derivative(_z_next(k), z_l[j]), (k, 1, n_next)), "induction hypothesis")
    .step(Derivative(g_l(z_l[j]), z_l[j]) * Sum(W_next[k, j] * delta_next[k], (k, 1, n_next)),
          "one-layer lemma (backprop_hidden_delta)")
)


def _z_l(ii):
    return Sum(W_l[ii, m] * a_prev[m], (m, 1, n_prev)) + b_l[ii]


backprop_weight_gradient = (
    Proof("backprop_weight_gradient", r"Weight gradient: $\partial L/\partial W^{(l)}_{jk} = \delta^{(l)}_j a^{(l-1)}_k$",
          assume=INDEX,
          note=r"$W^{(l)}_{jk}$ enters $L$ only through $z^{(l)}$, so the first line is "
               r"$\partial L/\partial W^{(l)}_{jk}$ by the chain rule.")
    .given(Sum(delta_l[i] * Derivative(_z_l(i), W_l[j, k]), (i, 1, n_l)))
    .step(Sum(delta_l[i] * Sum(KroneckerDelta(i, j) * KroneckerDelta(k, m) * a_prev[m], (m, 1, n_prev)), (i, 1, n_l)),
          r"$\partial W_{im} / \partial W_{jk} = [i = j][m = k]$")
    .step(delta_l[j] * a_prev[k], "the deltas pick $i = j$, $m = k$")
)

backprop_bias_gradient = (
    Proof("backprop_bias_gradient", r"Bias gradient: $\partial L/\partial b^{(l)}_j = \delta^{(l)}_j$", assume=INDEX)
    .given(Sum(delta_l[i] * Derivative(_z_l(i), b_l[j]), (i, 1, n_l)))
    .step(Sum(delta_l[i] * KroneckerDelta(i, j), (i, 1, n_l)), r"$\partial b_i / \partial b_j = [i = j]$")
    .step(delta_l[j], "the delta picks $i = j$")
)


# --- second route: concrete networks ----------------------------------------------------

L_SYM = Symbol("L")


def _gradient_display(net):
    """Abbreviations for the LaTeX: dL/dw for the given side, delta a for the delta rules."""
    given, rule = [], []
    for l in range(1, len(net.widths)):
        for r in range(net.widths[l]):
            for c in range(net.widths[l - 1]):
                given.append(Derivative(L_SYM, net.W[l][r, c]))
                prev = layer_symbol("a", l - 1, c + 1) if l > 1 else sp.IndexedBase("x")[c + 1]
                rule.append(layer_symbol("delta", l, r + 1) * prev)
        if net.b[l] is not None:
            for r in range(net.widths[l]):
                given.append(Derivative(L_SYM, net.b[l][r]))
                rule.append(layer_symbol("delta", l, r + 1))
    return sp.Matrix(given), sp.Matrix(rule)


def gradient_proof(name, title, net, loss_of_output, note="", timeout=10.0):
    """Proof: the delta rules give the direct derivative of the composed network, for every parameter."""
    t = Symbol("t", real=True)
    loss = loss_of_output(net.output[0])
    dL_da_out = sp.diff(loss_of_output(t), t).subs(t, net.output[0])
    rules = delta_rule(net, [dL_da_out]).gradients(net)
    shown_given, shown_rule = _gradient_display(net)
    direct = sp.Matrix([Derivative(loss, p) for p in net.parameters()])
    return (Proof(name, title, note=note, timeout=timeout)
            .given(direct, display=shown_given)
            .step(sp.Matrix(rules), "delta rules: $\\delta^{(L)} = \\partial L/\\partial a^{(L)} \\odot g_L'(z^{(L)})$, "
                  "$\\delta^{(l)} = g_l'(z^{(l)}) \\odot W^{(l+1)T}\\delta^{(l+1)}$", display=shown_rule))


@theorem
def backprop_seed001_network():
    """Seed 001: 2 inputs, 2 tanh hidden units, 1 sigmoid output, squared loss, no biases."""
    net = network([2, 2, 1], [sp.tanh, sigmoid], biases=False)
    y = Symbol("y", real=True)
    return gradient_proof(
        "backprop_seed001_network", "Seed 001's network: all six weight gradients", net,
        lambda out: (y - out) ** 2,
        note=r"The network of seed 001 with every weight a symbol: the first line is the direct derivative of "
             r"$L = (y - a^{(2)}_1)^2$ through the whole composed network (shown abbreviated), the second the "
             r"delta rules, with $a^{(1)} = \tanh(z^{(1)})$, $a^{(2)} = \sigma(z^{(2)})$.")


@theorem
def backprop_three_layer_network(widths=(2, 3, 2, 1)):
    """A 3-layer network with biases, arbitrary activations and an arbitrary loss."""
    gs = [Function(f"g_{l}") for l in range(1, len(widths))]
    net = network(list(widths), gs, biases=True)
    ell, y = Function("ell"), Symbol("y", real=True)
    return gradient_proof(
        "backprop_three_layer_network",
        f"A {len(widths) - 1}-layer network of widths {'-'.join(map(str, widths))}: every gradient",
        net, lambda out: ell(out, y), timeout=60.0,  # 20 gradients of undefined functions: ~10 s on a busy machine
        note=r"The activations $g_1, g_2, g_3$ and the loss $\ell(a, y)$ are undefined functions: the delta "
             r"rules hold whatever they are. Every weight and bias is a symbol.")


# --- seed 003's worked example ----------------------------------------------------------------

def seed003_network():
    """Learning From Data's example: x = 2, y = 1, tanh hidden layers, identity output."""
    net = network([1, 2, 1, 1], [sp.tanh, sp.tanh, lambda v: v], biases=True)
    W1, b1, W2, b2, W3, b3 = net.W[1], net.b[1], net.W[2], net.b[2], net.W[3], net.b[3]
    x = net.a[0]
    values = {W1[0, 0]: Rational(3, 10), W1[1, 0]: Rational(2, 5), b1[0]: Rational(1, 10), b1[1]: Rational(1, 5),
              W2[0, 0]: 1, W2[0, 1]: -3, b2[0]: Rational(1, 5), W3[0, 0]: 2, b3[0]: 1, x[0]: 2}
    return net, values, 1


def _fmt(v):
    return f"{float(v):.4f}"


def seed003_tables(net, values, y):
    bp = delta_rule(net, [2 * (net.output[0] - y)])
    rows = []
    for l in range(1, 4):
        s = [sp.nsimplify(v.xreplace(values)) for v in net.z[l]]
        a = [v.xreplace(values) for v in net.a[l]]
        d = [v.xreplace(values) for v in bp.delta[l]]
        rows.append((l, s, a, d))
    lines = [r"\begin{center}\begin{tabular}{c|l|l|l}",
             r"$l$ & $s^{(l)}$ & $x^{(l)} = \theta(s^{(l)})$ & $\delta^{(l)}$ \\ \hline"]
    for l, s, a, d in rows:
        lines.append(f"{l} & " + ", ".join(_fmt(v) for v in s) + " & " + ", ".join(_fmt(v) for v in a)
                     + " & " + ", ".join(_fmt(v) for v in d) + r" \\")
    lines.append(r"\end{tabular}\end{center}")
    return "\n".join(lines), bp


@theorem
def backprop_seed003_worked_example():
    """Seed 003's numbers: forward values, deltas and gradients, exactly and to 4 decimals."""
    from derive.proofs.latex import equations_latex

    net, values, y = seed003_network()
    err = (net.output[0] - y) ** 2
    table, bp = seed003_tables(net, values, y)
    # the direct derivative of the error, symbolic; the point enters through define=, so the
    # chain compares the derivative with the delta rules' numbers, not a number with itself
    direct = sp.Matrix([sp.diff(err, p) for p in net.parameters()])
    exact = sp.Matrix([g.xreplace(values) for g in bp.gradients(net)])
    shown_given, shown_rule = _gradient_display(net)
    grads = equations_latex([(d, (e, f" \\approx {_fmt(e)}")) for d, e in zip(shown_given, exact)])
    appendix = ("\\noindent Forward values and deltas (4 decimals; $\\theta = \\tanh$ in layers 1, 2, "
                "identity in layer 3):\n" + table + "\n\\noindent Gradients, exactly and to 4 decimals:\n"
                + grads + "\n")
    return (Proof("backprop_seed003_worked_example",
                  "Seed 003's worked example: x = 2, y = 1, every gradient",
                  note=r"Weights $W^{(1)} = (0.1, 0.2; 0.3, 0.4)$ (first row: biases), $W^{(2)} = (0.2, 1, -3)$, "
                       r"$W^{(3)} = (1, 2)$, $\tanh$ hidden units, identity output, $e = (h(x) - y)^2$. The OCR "
                       r"reads several 3s of the sheet as 7s (for example $-3.6$ as $-7.6$); the values here are computed.",
                  appendix=appendix, define=values)
            .given(direct, display=shown_given)
            .step(exact, "delta rules at the point, exact in $\\tanh$ of rationals", display=shown_rule))
