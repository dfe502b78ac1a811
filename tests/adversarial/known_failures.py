"""Attempts on which derive and the attempt's stated truth disagree today: {id: what goes wrong}.
The CI slice marks them xfail(strict=True), so a fix shows up as an XPASS: then delete its line.
Regenerated from ``python -m bench.adversarial`` (bench/results/adversarial.json), 2026-11-25."""

KNOWN_FAILURES = {
    # false proved -- SymPy evaluates x/x, 1/(1/x), (e^x-1)/(e^x-1) when the Python expression is
    # built, so the API receives 1 == 1 (x == x): the undefined point is gone before derive sees it
    'rs-x-over-x': "proved 'identical': SymPy turned x/x into 1 when the expression was built",
    'rs-inv-inv': "proved 'identical': SymPy turned 1/(1/x) into x when the expression was built",
    'rs-expm1': "proved 'identical': SymPy turned (e^x-1)/(e^x-1) into 1 when the expression was built",
    # x^{(2)} = x^2 as the first row about a new name is read as its definition (the echo says so),
    # so no claim is checked; the attempt reads it as a claim
    'nt-layer-vs-power': "read as the definition x^(2) := x^2 (0 steps checked), not as a claim",
    # bad counterexample (as the judge reads it)
    'dr-sigma-plus': "refuted at {k: 1, a[1]: 5/3} (y_k computed from a_k, shown in the step's network "
                     "detail); the judge wants the derived value in the point itself",
    'gs-delta-shift': "refuted at a size N = 1 with j = 1, where x_{j+1} = x_2 lies outside the family's "
                      "range: the judge counts that as outside 1..n",
}
