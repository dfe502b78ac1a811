"""Sizes, receptive fields and parameter counts.

Spec section 6 (seeds 000-004). Main results:

- ``conv_output_size``: an f-wide window with stride s and padding p fits
  floor((n + 2p - f)/s) + 1 times along n inputs (max-pooling likewise, with p = 0);
  seed 001's forms without the stride, and without the floor, are refuted;
- ``receptive_field_step`` (induction on the depth k) and ``receptive_field_area``:
  k stacked 3x3 stride-1 convolutions see (2k + 1)^2 input pixels; four layers see 81;
- ``residual_block_params`` (and ``_no_bias``, ``_batchnorm``) and ``bottleneck_block_params`` (likewise):
  18496 / 18432 / 18624 and 17600 / 17408 / 17984 parameters with biases / without / with batch-norm
  (2C per batch-norm layer); seed 003's 18472 is refuted;
- ``dense_network_params``: a layer from n_in to n_out units has n_in n_out weights and n_out biases.
"""
import sympy as sp
from sympy import Add, Mul, Sum, Symbol, floor

from derive import Proof
from derive.calculus.nn import batchnorm_params, conv_params, dense_params

n, p, f, s = (Symbol(v, integer=True, positive=True) for v in "npfs")
i = Symbol("i", integer=True)
POS = {"n": "positive integer", "p": "nonnegative integer", "f": "positive integer", "s": "positive integer"}
count = floor((n + 2 * p - f) / s)

conv_output_size = (
    Proof("conv_output_size", r"Output size of a convolution: $\lfloor (n + 2p - f)/s \rfloor + 1$",
          assume=POS,
          note=r"The window starts at $0, s, 2s, \dots, is$ and must end inside the padded input: "
               r"$is + f \leq n + 2p$, so $i$ runs from $0$ to $\lfloor (n + 2p - f)/s \rfloor$ (for $n + 2p \geq f$). "
               r"Max-pooling with an $F$-wide window and stride $S$ is the case $p = 0$, $f = F$, $s = S$. Seed 001 "
               r"writes the size without the stride, and (for the first layer) without the floor: both refuted.")
    .given(Sum(1, (i, 0, count)), "count the window positions $i s$, $0 \\le i \\le (n+2p-f)/s$")
    .step(n + 2 * p - f + 1, "seed 001: the stride dropped", expect="refuted")
    .step((n + 2 * p - f) / s + 1, "seed 001: no floor", expect="refuted")
    .step(count + 1, "a sum of ones counts its terms")
)

k = Symbol("k", integer=True, nonnegative=True)
r_k = Symbol("r_k", integer=True, positive=True)
receptive_field_step = (
    Proof("receptive_field_step",
          r"Receptive field, induction on the depth $k$: $r_k = 2k + 1$",
          assume={"k": "nonnegative integer"}, define={r_k: 2 * k + 1},
          note=r"Induction on the number $k$ of stacked $3\times3$ stride-1 convolutions; $r_k$ is the side of the "
               r"input square one output pixel sees. Base case: $r_0 = 1$ (a pixel sees itself). Step: a $3\times3$ "
               r"stride-1 convolution widens the square by one pixel on each side, $r_{k+1} = r_k + 2$; with the "
               r"hypothesis $r_k = 2k + 1$ (the Where line) the chain gives $r_{k+1} = 2(k + 1) + 1$. So "
               r"$r_k = 2k + 1$ for every $k$, and the field has $(2k + 1)^2$ pixels.")
    .given(r_k + 2, "one more 3x3 layer: $r_{k+1} = r_k + 2$")
    .step(Add(2 * k + 1, 2, evaluate=False), "induction hypothesis $r_k = 2k + 1$")
    .step(2 * (k + 1) + 1, "$2k + 3 = 2(k + 1) + 1$")
)

receptive_field_area = (
    Proof("receptive_field_area", r"Four stacked $3\times3$ convolutions see $9 \times 9 = 81$ pixels",
          note="The seeds count 1x1 -> 3x3 -> 5x5 -> 7x7 -> 9x9.")
    .given(sp.Pow(Add(Mul(2, 4, evaluate=False), 1, evaluate=False), 2, evaluate=False),
           "$(2k + 1)^2$ at $k = 4$ (receptive_field_step)")
    .step(sp.Pow(9, 2, evaluate=False), "$2 \\cdot 4 + 1 = 9$")
    .step(81, "$9^2$")
)


def _m(*a):
    return Mul(*a, evaluate=False)


def _a(*a):
    return Add(*a, evaluate=False)


def _written(expr, count):
    """``expr`` (unevaluated, as a person writes the count) after checking that it is the
    count the network builders give."""
    assert expr.doit() == count, (expr, count)
    return expr


C = 32
residual_block_params = (
    Proof("residual_block_params",
          r"A standard residual block ($3\times3$, $32 \to 32 \to 32$) has 18496 parameters",
          note=r"A $k \times k$ convolution from $C_{in}$ to $C_{out}$ channels has $(C_{in} k^2 + 1) C_{out}$ "
               r"parameters with biases, $C_{in} k^2 C_{out}$ without.")
    .given(_m(2, _m(_a(_m(C, 3, 3), 1), C)), "two $3\\times3$ convolutions, $32 \\to 32$, with biases")
    .step(_m(2, 9248), "$(32 \\cdot 9 + 1) \\cdot 32 = 9248$")
    .step(18496, "arithmetic")
)

residual_block_params_no_bias = (
    Proof("residual_block_params_no_bias",
          r"Without biases the standard residual block has 18432 parameters (not 18472)",
          note="Seed 003 writes 18472 for the block without biases: refuted; the count is 2 (32 * 9 * 32) = 18432.")
    .given(_m(2, _m(C, 3, 3, C)), "two $3\\times3$ convolutions, $32 \\to 32$, no biases")
    .step(18472, "seed 003", expect="refuted")
    .step(_m(2, 9216), "$32 \\cdot 9 \\cdot 32 = 9216$")
    .step(18432, "arithmetic")
)

residual_block_params_batchnorm = (
    Proof("residual_block_params_batchnorm",
          r"With a batch-norm after each convolution the standard block has 18624 parameters",
          note="A batch-norm layer learns a scale and a shift per channel: 2C.")
    .given(_a(conv_params(C, C, 3), conv_params(C, C, 3), batchnorm_params(C), batchnorm_params(C)),
           "two convolutions with biases, two batch-norm layers",
           display=sp.Symbol("2 \\cdot 9248 + 2 \\cdot (2 \\cdot 32)"))
    .step(18624, "arithmetic")
)

bottleneck_block_params = (
    Proof("bottleneck_block_params",
          r"A bottleneck block ($1\times1$ $128\to32$, $3\times3$ $32\to32$, $1\times1$ $32\to128$) has 17600 "
          r"parameters")
    .given(_written(_a(_m(_a(128, 1), 32), _m(_a(_m(32, 9), 1), 32), _m(_a(32, 1), 128)),
                    conv_params(128, 32, 1) + conv_params(32, 32, 3) + conv_params(32, 128, 1)),
           "the three convolutions with biases: $(C_{in} k^2 + 1) C_{out}$ each")
    .step(_a(4128, 9248, 4224), "per layer")
    .step(17600, "arithmetic")
)

bottleneck_block_params_no_bias = (
    Proof("bottleneck_block_params_no_bias", "Without biases the bottleneck block has 17408 parameters")
    .given(_written(_a(_m(128, 32), _m(32, 9, 32), _m(32, 128)),
                    conv_params(128, 32, 1, bias=False) + conv_params(32, 32, 3, bias=False)
                    + conv_params(32, 128, 1, bias=False)),
           "the three convolutions without biases: $C_{in} k^2 C_{out}$ each")
    .step(_a(4096, 9216, 4096), "per layer")
    .step(17408, "arithmetic")
)

bottleneck_block_params_batchnorm = (
    Proof("bottleneck_block_params_batchnorm",
          "With a batch-norm after each convolution the bottleneck block has 17984 parameters",
          note="Batch-norm adds 2(32) + 2(32) + 2(128) = 384.")
    .given(_a(17600, batchnorm_params(32), batchnorm_params(32), batchnorm_params(128)),
           "convolutions with biases, three batch-norm layers", display=sp.Symbol("17600 + 2(32 + 32 + 128)"))
    .step(17984, "arithmetic")
)

n_in, n_out, n_2 = Symbol("n_in", integer=True, positive=True), Symbol("n_out", integer=True, positive=True), \
    Symbol("n_2", integer=True, positive=True)
dense_network_params = (
    Proof("dense_network_params",
          r"Parameters of a dense network: $\sum_l (n_{l-1} n_l + n_l)$",
          note=r"A layer from $n_{in}$ to $n_{out}$ units has a weight matrix of size $n_{out} \times n_{in}$ "
               r"(one row per unit) and $n_{out}$ biases (seed 002). Two layers $n_{in} \to n_{out} \to n_2$ shown.")
    .given(dense_params(n_in, n_out) + dense_params(n_out, n_2), "weights and biases of each layer")
    .step(n_out * (n_in + 1) + n_2 * (n_out + 1), "factor each layer: $(n_{l-1} + 1) n_l$")
)
