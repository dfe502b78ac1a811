"""Vector and matrix forms of the derivations, generic in the sizes.

Spec sections 3, 4 and 5 in the notation of the sheets (seeds 000, 001, 004), every size a
symbol, every step decided on matrix expressions (non-commuting; shapes checked; transposes,
inverses, Hadamard products and ``diag`` by the canonical form of ``derive.engine.matrices``).
Derivatives in **denominator layout** unless a line says numerator layout. Main results:

- ``delta_rule_matrix_form``: δ^(l) = (∂z^(l+1)/∂z^(l)) δ^(l+1) = diag(g'(z^(l))) (W^(l+1))^T δ^(l+1)
  = (W^(l+1))^T δ^(l+1) ⊙ g'(z^(l));
- ``weight_gradient_matrix_form``: ∇_W of a loss through z = W a + b is δ a^T (the outer product);
- ``quadratic_error_eigen_expansion_vectors``: the seeds' expansion with eigenvectors u_i,
  u_i^T u_j = δ_ij and w − w* = Σ_i α_i u_i (three eigen-directions written out, the dimension n
  a symbol): ½(w − w*)^T H (w − w*) = ½ Σ_i λ_i α_i²;
- ``residual_block_jacobian_matrix_form``: ∂y/∂x = diag[h3 > 0](I + W2 diag[h1 > 0] W1) for a
  symbolic width n (numerator layout), the transposed order refuted;
- ``gradient_quadratic_form``: ∇_x x^T A x = (A + A^T) x, and 2 A x only for a symmetric A;
- ``gradient_least_squares``: ∇_W ||W x − t||² = 2 (W x − t) x^T and
  ∇_w ½||X w − t||² = X^T (X w − t).
"""
import sympy as sp
from sympy import DiagMatrix, HadamardProduct, Identity, MatrixSymbol, Rational, Sum, Symbol
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from derive import Proof, relu
from derive.calculus.notation import display_as
from derive.engine.matrix_calculus import MatrixDerivative

HALF = Rational(1, 2)
t = Symbol("t")
g = sp.Function("g")

# --- the delta rule ----------------------------------------------------------------------------------

n_l = Symbol("n_l", integer=True, positive=True)
n_next = Symbol("n_{l+1}", integer=True, positive=True)
z = MatrixSymbol(display_as("mf:z^(l)", r"\mathbf{z}^{(l)}"), n_l, 1)
W = MatrixSymbol(display_as("mf:W^(l+1)", r"\mathbf{W}^{(l+1)}"), n_next, n_l)
b = MatrixSymbol(display_as("mf:b^(l+1)", r"\mathbf{b}^{(l+1)}"), n_next, 1)
delta_next = MatrixSymbol(display_as("mf:delta^(l+1)", r"\boldsymbol{\delta}^{(l+1)}"), n_next, 1)
g_prime = ElementwiseApplyFunction(sp.Lambda(t, sp.Derivative(g(t), t)), z)
#: what the LaTeX shows for g'(z^(l)) (the element-wise derivative, a vector)
G_PRIME = MatrixSymbol(display_as("mf:g'(z^(l))", r"g'(\mathbf{z}^{(l)})"), n_l, 1)
DIAG_G_PRIME = MatrixSymbol(display_as("mf:diag(g'(z^(l)))", r"\mathrm{diag}(g'(\mathbf{z}^{(l)}))"), n_l, n_l)
G_OF_Z = MatrixSymbol(display_as("mf:g(z^(l))", r"g(\mathbf{z}^{(l)})"), n_l, 1)

delta_rule_matrix_form = (
    Proof("delta_rule_matrix_form",
          r"The delta rule in matrix form: $\delta^{(l)} = (W^{(l+1)})^T\delta^{(l+1)} \odot g'(z^{(l)})$",
          note=r"$z^{(l+1)} = W^{(l+1)} g(z^{(l)}) + b^{(l+1)}$ with $g$ applied element-wise and $L$ depending on "
               r"$z^{(l)}$ only through $z^{(l+1)}$, so by the chain rule in denominator layout "
               r"$\delta^{(l)} = \partial L/\partial z^{(l)} = (\partial z^{(l+1)}/\partial z^{(l)})\,\delta^{(l+1)}$, "
               r"the first line. The widths $n_l$, $n_{l+1}$ are symbols; $\odot$ is the element-wise product. "
               r"Entry $j$ of the result is $g'(z_j)\sum_k W_{kj}\delta_k$, the rule of backprop\_hidden\_delta.")
    .given(sp.MatMul(MatrixDerivative(W * z.applyfunc(g) + b, z), delta_next),
           display=sp.MatMul(MatrixDerivative(W * G_OF_Z + b, z), delta_next))
    .step(DiagMatrix(g_prime) * W.T * delta_next,
          r"$\partial (W g(z) + b)/\partial z = \mathrm{diag}(g'(z))\,W^T$ (denominator layout)",
          display=DIAG_G_PRIME * W.T * delta_next)
    .step(HadamardProduct(W.T * delta_next, g_prime), r"$\mathrm{diag}(v)\,u = u \odot v$",
          display=HadamardProduct(W.T * delta_next, G_PRIME))
)

a_prev = MatrixSymbol(display_as("mf:a^(l-1)", r"\mathbf{a}^{(l-1)}"), n_l, 1)
W_l = MatrixSymbol(display_as("mf:W^(l)", r"\mathbf{W}^{(l)}"), n_next, n_l)
b_l = MatrixSymbol(display_as("mf:b^(l)", r"\mathbf{b}^{(l)}"), n_next, 1)
delta_l = MatrixSymbol(display_as("mf:delta^(l)", r"\boldsymbol{\delta}^{(l)}"), n_next, 1)
weight_gradient_matrix_form = (
    Proof("weight_gradient_matrix_form",
          r"Weight gradient in matrix form: $\nabla_{W^{(l)}} L = \delta^{(l)} (a^{(l-1)})^T$",
          note=r"$L$ depends on $W^{(l)}$ only through $z^{(l)} = W^{(l)} a^{(l-1)} + b^{(l)}$, and "
               r"$\delta^{(l)} = \partial L/\partial z^{(l)}$; to first order $L$ changes as the scalar "
               r"$(\delta^{(l)})^T z^{(l)}$ does, whose gradient (denominator layout: the shape of $W^{(l)}$) is the "
               r"first line. This is backprop\_weight\_gradient, $\partial L/\partial W_{jk} = \delta_j a_k$, "
               r"for all entries at once.")
    .given(MatrixDerivative(sp.MatMul(delta_l.T, W_l * a_prev + b_l), W_l))
    .step(delta_l * a_prev.T, r"$\nabla_W\, \delta^T W a = \delta a^T$")
)

# --- the quadratic error in the eigenbasis, with vectors u_i -----------------------------------------

n = Symbol("n", integer=True, positive=True)
u = [MatrixSymbol(display_as(f"u_{i}", rf"\mathbf{{u}}_{i}"), n, 1) for i in (1, 2, 3)]
w = MatrixSymbol(display_as("mf:w", r"\mathbf{w}"), n, 1)
w_star = MatrixSymbol(display_as("mf:w^*", r"\mathbf{w}^*"), n, 1)
Hq = MatrixSymbol(display_as("mf:H", r"\mathbf{H}"), n, n)
lam = sp.symbols("lambda_1:4", real=True)
alpha = sp.symbols("alpha_1:4", real=True)
ORTHONORMAL = {",".join(ui.name for ui in u): "orthonormal"}
span = sum((al * ui for al, ui in zip(alpha, u)), sp.ZeroMatrix(n, 1))

quadratic_error_eigen_expansion_vectors = (
    Proof("quadratic_error_eigen_expansion_vectors",
          r"The eigen-expansion with eigenvectors $u_i$: $\frac12(w-w^*)^T H (w-w^*) = \frac12\sum_i \lambda_i\alpha_i^2$",
          assume=ORTHONORMAL,
          define={Hq: sum((li * ui * ui.T for li, ui in zip(lam, u)), sp.ZeroMatrix(n, n)), w: w_star + span},
          note=r"As the sheets write it: $u_i^T u_j = \delta_{ij}$ (declared: $u_1, u_2, u_3$ orthonormal), "
               r"$H u_i = \lambda_i u_i$ (so $H = \sum_i \lambda_i u_i u_i^T$ on their span, the Where line) and "
               r"$w - w^* = \sum_i \alpha_i u_i$. Three eigen-directions are written out; the dimension $n$ of the "
               r"vectors is a symbol ($n \geq 3$). The generic-$d$ matrix form is quadratic\_error\_eigen\_expansion.")
    .given(sp.MatMul(HALF, sp.Transpose(w - w_star), Hq, w - w_star))
    .step(sp.MatMul(HALF, sp.Transpose(span), Hq, span), r"$w - w^* = \sum_i \alpha_i u_i$")
    .step(HALF * span.T * sum((al * li * ui for al, li, ui in zip(alpha, lam, u)), sp.ZeroMatrix(n, 1)),
          r"$H u_j = \lambda_j u_j$")
    .step(HALF * sum((lam[jj] * alpha[ii] * alpha[jj] * u[ii].T * u[jj] for ii in range(3) for jj in range(3)),
                     sp.ZeroMatrix(1, 1)),
          "expand the products",
          display=Symbol(display_as("mf:sum_ij", r"\frac{1}{2}\sum_{i=1}^{3}\sum_{j=1}^{3}\lambda_j\alpha_i\alpha_j\,"
                                               r"\mathbf{u}_i^T\mathbf{u}_j")))
    .step(HALF * sum(li * al ** 2 for li, al in zip(lam, alpha)), r"$u_i^T u_j = \delta_{ij}$")
)

# --- the residual block, dense and generic in the width ------------------------------------------------

x = MatrixSymbol(display_as("mf:x", r"\mathbf{x}"), n, 1)
W1 = MatrixSymbol(display_as("mf:W^(1)", r"\mathbf{W}^{(1)}"), n, n)
W2 = MatrixSymbol(display_as("mf:W^(2)", r"\mathbf{W}^{(2)}"), n, n)
h1 = W1 * x
h3 = W2 * h1.applyfunc(relu) + x
H1 = MatrixSymbol(display_as("mf:h^(1)", r"\mathbf{h}^{(1)}"), n, 1)
H3 = MatrixSymbol(display_as("mf:h^(3)", r"\mathbf{h}^{(3)}"), n, 1)
Y = MatrixSymbol(display_as("mf:y", r"\mathbf{y}"), n, 1)


def gate(v):
    """diag[v > 0]: ReLU' applied element-wise (ReLU'(0) = 0)."""
    return DiagMatrix(ElementwiseApplyFunction(sp.Lambda(t, sp.Heaviside(t, 0)), v))


GATE1 = MatrixSymbol(display_as("mf:diag[h1>0]", r"\mathrm{diag}[\mathbf{h}^{(1)}>0]"), n, n)
GATE3 = MatrixSymbol(display_as("mf:diag[h3>0]", r"\mathrm{diag}[\mathbf{h}^{(3)}>0]"), n, n)
I_n = Identity(n)

residual_block_jacobian_matrix_form = (
    Proof("residual_block_jacobian_matrix_form",
          r"Residual block, matrix form: $\frac{\partial y}{\partial x} = \mathrm{diag}[h^{(3)}>0]"
          r"(I + W^{(2)}\mathrm{diag}[h^{(1)}>0]W^{(1)})$",
          note=r"$h^{(1)} = W^{(1)}x$, $h^{(3)} = W^{(2)}\mathrm{ReLU}(h^{(1)}) + x$, $y = \mathrm{ReLU}(h^{(3)})$, "
               r"width $n$ a symbol. Numerator layout ($\partial y_p/\partial x_q$ in row $p$), as the sheets write "
               r"the Jacobian; $[t > 0] = \mathrm{ReLU}'(t)$ with $\mathrm{ReLU}'(0) = 0$. The refuted line "
               r"multiplies the weights in the wrong order.", timeout=60.0)
    .given(MatrixDerivative(h3.applyfunc(relu), x, "numerator"), display=MatrixDerivative(Y, x, "numerator"))
    .step(gate(h3) * (I_n + W2 * gate(h1) * W1),
          r"chain rule: $\partial y/\partial h^{(3)} = \mathrm{diag}[h^{(3)}>0]$, "
          r"$\partial h^{(3)}/\partial x = I + W^{(2)}\mathrm{diag}[h^{(1)}>0]W^{(1)}$",
          display=GATE3 * (I_n + W2 * GATE1 * W1))
    .step(gate(h3) * (I_n + W1 * gate(h1) * W2), "the weights in the wrong order", expect="refuted",
          display=GATE3 * (I_n + W1 * GATE1 * W2))
)

# --- gradients of the quadratic form and of least squares ----------------------------------------------------

A = MatrixSymbol(display_as("mf:A", r"\mathbf{A}"), n, n)
S = MatrixSymbol(display_as("mf:S", r"\mathbf{S}"), n, n)
gradient_quadratic_form = (
    Proof("gradient_quadratic_form",
          r"$\nabla_x\, x^T A x = (A + A^T)x$; $= 2Ax$ only when $A$ is symmetric",
          note=r"Denominator layout: the gradient is a column like $x$. The refuted line is the symmetric-case "
               r"formula used for a general $A$.")
    .given(MatrixDerivative(x.T * A * x, x))
    .step(A * x + A.T * x, r"product rule: $\partial(x^T A x) = dx^T A x + x^T A\, dx$")
    .step(2 * A * x, r"$A^T = A$ assumed without cause", expect="refuted")
    .step((A + A.T) * x, "collect")
)

gradient_quadratic_form_symmetric = (
    Proof("gradient_quadratic_form_symmetric", r"$\nabla_x\, x^T S x = 2Sx$ for a symmetric $S$",
          assume={S.name: "symmetric"})
    .given(MatrixDerivative(x.T * S * x, x))
    .step((S + S.T) * x, "gradient_quadratic_form")
    .step(2 * S * x, "$S^T = S$")
)

m = Symbol("m", integer=True, positive=True)
Wm = MatrixSymbol(display_as("mf:W", r"\mathbf{W}"), m, n)
tm = MatrixSymbol(display_as("mf:t", r"\mathbf{t}"), m, 1)
X = MatrixSymbol(display_as("mf:X", r"\mathbf{X}"), m, n)
wv = MatrixSymbol(display_as("mf:w", r"\mathbf{w}"), n, 1)
gradient_least_squares = (
    Proof("gradient_least_squares",
          r"$\nabla_W \|Wx - t\|^2 = 2(Wx - t)x^T$",
          note=r"$\|v\|^2 = v^T v$; $W$ is $m \times n$, so the gradient (denominator layout) is $m \times n$. "
               r"The refuted line loses the factor 2.")
    .given(MatrixDerivative(sp.MatMul(sp.Transpose(Wm * x - tm), Wm * x - tm), Wm))
    .step(sp.MatMul(2, Wm * x - tm, x.T),
          r"$d\|r\|^2 = 2 r^T dr$, $dr = dW\,x$, $\mathrm{tr}(r^T dW x) = \mathrm{tr}(x r^T dW)$")
    .step((Wm * x - tm) * x.T, r"the factor 2 lost", expect="refuted")
)

gradient_linear_regression = (
    Proof("gradient_linear_regression",
          r"$\nabla_w \frac12\|Xw - t\|^2 = X^T(Xw - t)$",
          note=r"The sum-of-squares error of linear regression with design matrix $X$ ($m \times n$).")
    .given(MatrixDerivative(sp.MatMul(HALF, sp.Transpose(X * wv - tm), X * wv - tm), wv))
    .step(X.T * X * wv - X.T * tm, r"expand $\frac12(w^T X^T X w - 2 t^T X w + t^T t)$ and differentiate")
    .step(X.T * (X * wv - tm), r"factor $X^T$ on the left")
    .step(X.T * (X * wv + tm), r"a sign lost in the bracket", expect="refuted")
)
