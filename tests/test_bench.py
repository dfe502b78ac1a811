"""The benchmark's bookkeeping: outcomes, medians and ratios from rows of (said, seconds)."""
import pytest

from bench.steps import SYSTEMS, summarise
from bench.stack import _outcome as stack_outcome


def _row(label, truth, *said_seconds):
    return {"label": label, "source": "proof", "truth": truth, **dict(zip(SYSTEMS, said_seconds))}


ROWS = [
    _row("a", True, ("equal", 0.001), ("equal", 0.010), ("undecided", 0.020)),
    _row("b", True, ("equal", 0.002), ("different", 0.010), ("equal", 0.020)),
    _row("c", False, ("different", 0.001), ("different", 0.020), ("equal", 0.040)),
    _row("d", False, ("undecided", 0.004), ("different", 0.040), ("undecided", 0.080)),
]


def test_outcomes_are_counted_against_the_truth():
    s = summarise(ROWS)
    assert (s["equal()"]["correct"], s["equal()"]["undecided"]) == (3, 1)
    assert s["simplify(a - b) == 0"]["false different"] == 1
    assert s["a.equals(b)"]["false equal"] == 1 and s["false equal"]["a.equals(b)"] == ["c"]
    assert s["missed"] == []


def test_times_and_ratios_are_on_the_same_cases():
    s = summarise(ROWS)
    assert s["equal()"]["median"] == pytest.approx(0.0015)
    assert s["equal()"]["ratio of medians vs simplify(a - b) == 0"] == pytest.approx(0.0015 / 0.015)
    assert s["equal()"]["median ratio vs a.equals(b)"] == pytest.approx(0.05)
    assert s["equal()"]["median refutation"] == pytest.approx(0.001)


def test_a_baseline_proof_that_equal_misses_is_reported():
    rows = ROWS + [_row("e", True, ("undecided", 0.1), ("equal", 0.01), ("undecided", 0.1))]
    assert summarise(rows)["missed"] == ["e"]


@pytest.mark.parametrize("said, mark, outcome", [("equal", 1, "correct"), ("equal", 0, "false equal"),
                                                  ("different", 1, "false different"),
                                                  ("undecided", 0, "undecided")])
def test_stack_scoring(said, mark, outcome):
    assert stack_outcome(said, mark) == outcome
