"""Attempts on which derive is wrong today: {id: what goes wrong}. The CI slice marks them
xfail(strict=True), so a fix shows up as an XPASS: then delete its line here.
Regenerated from ``python -m bench.adversarial`` (bench/results/adversarial.json)."""

KNOWN_FAILURES = {
    # false proved
    'gd-third': 'false proved: derive said line 1: proved; 1/3 = 0.333 passed (a rounded decimal read as equal: derive/grading/approx.py, the reader helper\'s part)',
    'rs-x-over-x': "false proved: derive said proved (identical (after SymPy's evaluation under the assumptions); cex None); proved a false statement",
    'rs-inv-inv': "false proved: derive said proved (identical (after SymPy's evaluation under the assumptions); cex None); proved a false statement",
    'rs-expm1': "false proved: derive said proved (identical (after SymPy's evaluation under the assumptions); cex None); proved a false statement",
    'dr-sigma-plus': 'false proved: derive said ; every step proved (0 checked): the false claim passed',
    'im-sin2x': 'false proved: derive said line 1: proved; every step proved (1 checked): the false claim passed',
    'gs-reversed-karr': 'false proved: derive said line 1: proved; every step proved (1 checked): the false claim passed',
    'nt-layer-vs-power': 'false proved: derive said ; every step proved (0 checked): the false claim passed',
    # false refuted
    'ah-contra': "false refuted: derive said line 2: refuted at {'x': '-9/4'}; refuted a true statement at {'x': '-9/4'}",
    'gz-abs-sign': "false refuted: derive said line 1: refuted at {'sign': 'Lambda(t0, t0**2 + 3*t0/4 + sin(t0/2 + 1) + 1/4)', 'x': '-1/3'}; refuted a true statement at {'sign': 'Lambda(t0, t0**2 + 3*t0/4 + sin(t0/2 + 1) + 1/4)', 'x': '-1/3'}",
    'gz-sign-sigma': "false refuted: derive said line 1: refuted at {'sign': 'Lambda(t0, t0**2 + 3*t0/4 + sin(t0/2 + 1) + 1/4)', 'x': '-1/3'}; refuted a true statement at {'sign': 'Lambda(t0, t0**2 + 3*t0/4 + sin(t0/2 + 1) + 1/4)', 'x': '-1/3'}",
    'gs-reversed-zero': 'false refuted: derive said line 1: refuted; refuted a true statement at {}',
    'nt-cbrt-neg': 'false refuted: derive said line 1: refuted; refuted a true statement at {}',
    # bad counterexample
    'gz-sign-sq': "bad counterexample: derive said line 1: refuted at {'sign': 'Lambda(t0, t0**2 + 3*t0/4 + sin(t0/2 + 1) + 1/4)', 'x': '-1/3'}; the statement holds at {'sign': 'Lambda(t0, t0**2 + 3*t0/4 + sin(t0/2 + 1) + 1/4)', 'x': '-1/3'}",
    'gz-drelu-sign': "bad counterexample: derive said line 1: refuted at {'\\\\mathrm{sign}': '3/4', 'x': '-3/7'}; the statement holds at {'\\\\mathrm{sign}': '3/4', 'x': '-3/7'}",
    'gz-abs-over': "bad counterexample: derive said line 1: refuted at {'sign': 'Lambda(t0, t0**2 + 3*t0/4 + sin(t0/2 + 1) + 1/4)', 'x': '-1/3'}; the statement holds at {'sign': 'Lambda(t0, t0**2 + 3*t0/4 + sin(t0/2 + 1) + 1/4)', 'x': '-1/3'}",
    'gs-delta-shift': "bad counterexample: derive said line 1: refuted at {'n_i': '3', 'j': '1', 'x_j+1': '5/3', 'x[2]': '-5/3'}; the index j = 1 is outside 1..n",
    # crash
    # unlocated error
    # hang
    # code ran
}
