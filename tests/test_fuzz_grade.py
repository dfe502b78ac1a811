"""Fuzzing the input side: random and malformed LaTeX through the grader ends in a verdict or a
clean, located DeriveError, within its bound. (The long run belongs to the benchmark.)"""
import time

import pytest
from hypothesis import given, settings, strategies as st

from derive.errors import DeriveError
from derive.grading.grade import grade_text

PIECES = [r"\frac{", "}", "{", r"\sigma(", ")", "(", "x", "y_k", r"w^{(2)}_{kj}", "=", "+", "-", "^", "_", "2",
          r"\sum_j", r"\left(", r"\right)", r"\\", "&", r"\text{a}", r"\foo", "10^{10}", r"\partial", r"\ln",
          "e^{", r"\begin{align*}", r"\end{align*}", "%", r"\[", r"\]", "$$", r"\delta_{ij}", "\x00", "é", " "]

NASTY = [r"\[ x^{10^{10}} = x \]", r"\[ 2^{2^{2^{100}}} = 1 \]", r"\[ " + "(" * 300 + "x" + ")" * 300 + r" = x \]",
         r"\[ " + "x+" * 2000 + r"x = x \]", r"\[ \frac{\frac{\frac{1}{x}}{y}}{z} = 1 \]", "\\[ \x07 \\]",
         r"\[ __import__('os').system('true') = 0 \]", r"\[ \sigma( = 1 \]", r"\[ 99999999999999999999999999^{99999} = 1 \]",
         # found by the long fuzz run: evaluation on unpickling, and powers of big bases
         r"\[ 9999! = 1 \]", r"\[ 99999999! = 1 \]", r"\[ 9999999999999999999999999999999999999^{999} = 1 \]",
         r"\[ (2^{1000})^{1000} = 1 \]"]


def _grade_bounded(text):
    t0 = time.perf_counter()
    try:
        grade_text(text, file="fuzz.tex", timeout=3.0)
    except DeriveError as exc:
        assert "fuzz.tex" in str(exc)
    return time.perf_counter() - t0


@pytest.mark.parametrize("text", NASTY)
def test_nasty_inputs_end_cleanly(text):
    assert _grade_bounded(text) < 60


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(PIECES), min_size=0, max_size=25).map("".join))
def test_random_latex_ends_in_a_verdict_or_a_located_error(text):
    _grade_bounded(r"\[ " + text + r" \]")
