"""Quadratic error and its eigen-expansion.

Spec section 4 (seeds 000, 004; Bishop PRML section 5.3, eq. 5.28-5.39). Main results:

- ``quadratic_error_eigen_expansion``: for every dimension d, with H = U Lambda U^T,
  U^T U = I and w - w* = U alpha (that is, sum_i alpha_i u_i),
  (1/2)(w - w*)^T H (w - w*) = (1/2) sum_i lambda_i alpha_i^2 (matrix expressions);
- ``quadratic_error_psd_minimum``: lambda_i >= 0 (H positive semidefinite) gives E(w) >= E(w*);
- ``quadratic_error_contour_half_axes``: on the contour E = const, the half-axis along u_j
  is sqrt(2(E - E(w*))/lambda_j), proportional to lambda_j^{-1/2};
- ``quadratic_error_eigen_expansion_d2`` and ``..._d3``: the expansion with an explicit
  orthonormal basis (a rotation by a symbolic angle for d = 2, a rational basis for d = 3),
  every entry symbolic, and ``hessian_eigenpairs_d2``: H u_i = lambda_i u_i.
"""
import sympy as sp
from sympy import MatMul, MatrixSymbol, Mul, Pow, Rational, Sum, Symbol, Transpose

from derive import Proof, theorem

d = Symbol("d", integer=True, positive=True)
w, w_star, alpha = MatrixSymbol("w", d, 1), MatrixSymbol("w^*", d, 1), MatrixSymbol("alpha", d, 1)
U, H = MatrixSymbol("U", d, d), MatrixSymbol("H", d, d)
lam_vec = MatrixSymbol("lambda", d, 1)
Lam = sp.DiagMatrix(lam_vec)
i = Symbol("i", integer=True)
lam, al = sp.IndexedBase("lambda", real=True), sp.IndexedBase("alpha", real=True)
HALF = Rational(1, 2)

quadratic_error_eigen_expansion = (
    Proof("quadratic_error_eigen_expansion",
          r"The quadratic error in the eigenbasis of the Hessian (every dimension $d$)",
          assume={"U": "orthogonal"},
          define={H: U * Lam * U.T, w: w_star + U * alpha},
          note=r"The columns $u_i$ of $U$ are orthonormal eigenvectors of $H$ ($U^T U = I$) with eigenvalues "
               r"$\lambda_i$, so $H = U \Lambda U^T$ with $\Lambda = \mathrm{diag}(\lambda)$; $\alpha$ holds the "
               r"coordinates of $w - w^*$ in that basis. The dimension $d$ is a symbol.")
    .given(MatMul(HALF, Transpose(w - w_star), H, w - w_star, evaluate=False))
    .step(MatMul(HALF, Transpose(U * alpha), U * Lam * U.T, U * alpha, evaluate=False),
          r"$w - w^* = \sum_i \alpha_i u_i = U\alpha$, $H = U\Lambda U^T$")
    .step(HALF * alpha.T * U.T * U * Lam * U.T * U * alpha, r"$(U\alpha)^T = \alpha^T U^T$")
    .step(HALF * alpha.T * Lam * alpha, r"$U^T U = I$ (orthonormal eigenvectors, $u_i^T u_j = \delta_{ij}$)")
    .step(HALF * Sum(lam_vec[i, 0] * alpha[i, 0] ** 2, (i, 0, d - 1)),
          r"$\Lambda$ is diagonal: $\alpha^T\Lambda\alpha = \sum_i \lambda_i\alpha_i^2$",
          display=HALF * Sum(lam[i] * al[i] ** 2, (i, 1, d)))
)

E, E_star = Symbol("E"), Symbol("E(w^*)")
lam_nn = sp.IndexedBase("lambda", nonnegative=True)
quadratic_error_psd_minimum = (
    Proof("quadratic_error_psd_minimum",
          r"A positive semidefinite Hessian makes $w^*$ a minimum: $E(w) \geq E(w^*)$",
          assume={"lambda": "nonnegative", "alpha": "real"},
          note=r"By the eigen-expansion $E(w) = E(w^*) + \frac12 \sum_i \lambda_i \alpha_i^2$. $H$ positive "
               r"semidefinite means every $\lambda_i \geq 0$; every $\alpha_i^2 \geq 0$.")
    .given(E_star + HALF * Sum(lam_nn[i] * al[i] ** 2, (i, 1, d)), "quadratic_error_eigen_expansion")
    .step(E_star, r"each term $\lambda_i\alpha_i^2 \geq 0$", rel=">=")
)

c, lam_j = Symbol("c"), Symbol("lambda_j")
_two_c_over_lam = Mul(2, c, Pow(lam_j, -1, evaluate=False), evaluate=False)  # kept as written
quadratic_error_contour_half_axes = (
    Proof("quadratic_error_contour_half_axes",
          r"Contours of $E$ are ellipses with half-axes $\sqrt{2(E - E(w^*))/\lambda_j}$",
          assume={"c": "positive", "lambda_j": "positive"},
          note=r"On the contour $E(w) = E(w^*) + c$ ($c > 0$) the points satisfy $\frac12 \sum_i \lambda_i "
               r"\alpha_i^2 = c$. Along the axis $u_j$ ($\alpha_i = 0$ for $i \neq j$) the point $\alpha_j = "
               r"\sqrt{2c/\lambda_j}$ lies on it, as the chain shows; so the half-axis along $u_j$ is "
               r"$\sqrt{2(E - E(w^*))/\lambda_j}$, proportional to $\lambda_j^{-1/2}$: the larger the curvature, "
               r"the shorter the axis.")
    .given(Mul(HALF, lam_j, Pow(Pow(_two_c_over_lam, HALF, evaluate=False), 2, evaluate=False), evaluate=False),
           r"$\alpha_j = \sqrt{2c/\lambda_j}$, other $\alpha_i = 0$")
    .step(Mul(HALF, lam_j, _two_c_over_lam, evaluate=False), r"$(\sqrt{t})^2 = t$ for $t > 0$")
    .step(c, r"cancel $\lambda_j$")
)


def _concrete(U_, n, title, name, note):
    lams = sp.symbols(f"lambda_1:{n + 1}", real=True)
    alphas = sp.symbols(f"alpha_1:{n + 1}", real=True)
    a = sp.Matrix(alphas)
    Lam_ = sp.diag(*lams)
    H_ = U_ * Lam_ * U_.T
    written = MatMul(HALF, Transpose(MatMul(U_, a, evaluate=False)), MatMul(U_, Lam_, U_.T, evaluate=False),
                     MatMul(U_, a, evaluate=False), evaluate=False)
    return (Proof(name, title, note=note)
            .given(written)
            .step(HALF * (U_ * a).T * H_ * (U_ * a), "multiply out")
            .step(sp.Matrix([[HALF * sum(l * x ** 2 for l, x in zip(lams, alphas))]]),
                  "expand; the basis is orthonormal"))


theta = Symbol("theta")
ROT2 = sp.Matrix([[sp.cos(theta), -sp.sin(theta)], [sp.sin(theta), sp.cos(theta)]])
BASIS3 = sp.Matrix([[2, -1, 2], [2, 2, -1], [-1, 2, 2]]) / 3


@theorem
def quadratic_error_eigen_expansion_d2():
    """d = 2, eigenvectors a rotation by a symbolic angle."""
    return _concrete(ROT2, 2, r"The eigen-expansion for $d = 2$ (eigenbasis rotated by $\theta$)",
                     "quadratic_error_eigen_expansion_d2",
                     "U is the rotation by theta, H = U diag(lambda_1, lambda_2) U^T, w - w* = U alpha; "
                     "every entry is a symbol.")


@theorem
def quadratic_error_eigen_expansion_d3():
    """d = 3 with an explicit rational orthonormal basis."""
    return _concrete(BASIS3, 3, r"The eigen-expansion for $d = 3$ (a rational orthonormal basis)",
                     "quadratic_error_eigen_expansion_d3",
                     "U = (1/3)(2, -1, 2; 2, 2, -1; -1, 2, 2) has orthonormal columns; "
                     "H = U diag(lambda_1, lambda_2, lambda_3) U^T, w - w* = U alpha.")


@theorem
def hessian_eigenpairs_d2():
    """H = U Lambda U^T has eigenpairs (lambda_i, u_i)."""
    l1, l2 = sp.symbols("lambda_1 lambda_2", real=True)
    Lam_ = sp.diag(l1, l2)
    return (Proof("hessian_eigenpairs_d2", r"$H u_i = \lambda_i u_i$ for $H = U\Lambda U^T$ ($d = 2$)",
                  note=r"Columns side by side: $HU = U\Lambda$, that is $Hu_1 = \lambda_1 u_1$ and $Hu_2 = \lambda_2 u_2$.")
            .given(MatMul(ROT2, Lam_, ROT2.T, ROT2, evaluate=False))
            .step(MatMul(ROT2, Lam_, evaluate=False), "$U^T U = I$")
            .step(ROT2 * Lam_, "multiply out"))
