"""Attempts on which derive is wrong today: {id: what goes wrong}. The CI slice marks them
xfail(strict=True), so a fix shows up as an XPASS: then delete its line here.
Regenerated from ``python -m bench.adversarial`` (bench/results/adversarial.json)."""

KNOWN_FAILURES = {
    # false proved
    'rs-x2m1-side': 'false proved: derive said proved (rewrite(exp), cancel; cex None); proved a false statement',
    'rs-x-over-x': "false proved: derive said proved (identical (after SymPy's evaluation under the assumptions); cex None); proved a false statement",
    'rs-inv-inv': "false proved: derive said proved (identical (after SymPy's evaluation under the assumptions); cex None); proved a false statement",
    'rs-expm1': "false proved: derive said proved (identical (after SymPy's evaluation under the assumptions); cex None); proved a false statement",
    'rs-x2mx': 'false proved: derive said proved (expand; cex None); proved a false statement',
    'rs-exp2': 'false proved: derive said proved (rewrite(exp), cancel; cex None); proved a false statement',
    'rs-zero-pow-abs': 'false proved: derive said proved (each sign of the real symbols under roots and logs, simplify; cex None); proved a false statement',
    'zb-abs-over-x': 'false proved: derive said proved (each sign of the real symbols under roots and logs, simplify; cex None); proved a false statement',
    'zb-nan-nan': 'false proved: derive said proved (identical; cex None); proved a false statement',
    'as-drelu-nonneg-bad': 'false proved: derive said proved (identical after carrying out derivatives and sums; cex None); proved a false statement',
    'as-dummies': "false proved: derive said proved (identical (after SymPy's evaluation under the assumptions); cex None); proved a false statement",
    'dr-sigma-plus': 'false proved: derive said ; every step proved (0 checked): the false claim passed',
    'im-iff-back': 'false proved: derive said line 1: proved; every step proved (1 checked): the false claim passed',
    'nt-layer-vs-power': 'false proved: derive said ; every step proved (0 checked): the false claim passed',
    'iq-strict-bad': 'false proved: derive said line 1: proved; every step proved (1 checked): the false claim passed',
    # pre-existing at 47ab46a (matrix API attempts, outside the reader/grading path): the judge cannot
    # read a matrix counterexample, and A^T A = 1 raises ShapeMismatch (counted as a crash)
    'mx-commute': "bad counterexample: unreadable counterexample (a matrix value) {'A': ..., 'B': ...}",
    'mx-transpose-bad': "bad counterexample: unreadable counterexample (a matrix value) {'A': ..., 'B': ...}",
    'mx-utu-one': 'crash: ShapeMismatch: the left side is a 2x2 matrix and the other a scalar',
    'mx-identity-one': 'crash: ShapeMismatch: the left side is a 2x2 matrix and the other a scalar',
    'mx-square': "bad counterexample: unreadable counterexample {'A': '[['9', '0'], ['-7', '-1']]', 'B': '[['2', '3'], ['-3', '-7']]'}: unreadable value '[['9', '0'], ['-7', '-1'",
    # false refuted
    'as-contradict': "false refuted: derive said refuted (numeric probe, re-checked at high precision; cex {'x': '-9/4'}); refuted a true statement at {'x': '-9/4'}",
    'as-int-range': "false refuted: derive said refuted (numeric probe, re-checked at high precision; cex {'n': '3/4'}); refuted a true statement at {'n': '3/4'}",
    'ah-contra': "false refuted: derive said line 2: refuted at {'x': '-9/4'}; refuted a true statement at {'x': '-9/4'}",
    # bad counterexample
    'as-same-name': "bad counterexample: derive said refuted (numeric probe, re-checked at high precision; cex {'x': '18/7'}); two different objects are both called x: a value per name is no point",
    'gs-delta-shift': "bad counterexample: derive said line 1: refuted at {'n_i': '3', 'j': '1', 'x_j+1': '5/3', 'x[2]': '-5/3'}; the index j = 1 is outside 1..n",
    # crash
    'cl-against-builtin-elsewhere': 'crash: derive said exit 2: derive: proofs: no such file or folder; exit code 2 (expected one of (0,))',
    # unlocated error
    'cl-file-memory-1': 'unlocated error: derive said exit 2: derive: internal error: MemoryError:  (run with DERIVE_DEBUG=1 for the traceback, and please report it); derive: internal error: MemoryError:  (run with DERIVE_DEBUG=1 for the traceback, and pl',
    'cl-out-is-file': "unlocated error: derive said exit 2: derive: internal error: FileExistsError: [Errno 17] File exists: '/etc/passwd' (run with DERIVE_DEBUG=1 for the traceback, and please report it); derive: internal error: FileExistsError: [Errno",
    # hang
    'cl-fifo': 'hang: derive said no exit after 50 s; no exit after 50 s',
    # code ran
}
