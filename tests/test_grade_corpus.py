"""The grading corpus: the source sheets' derivations as the students wrote them and as they
should be, each file with the expected verdict of every step (``% derive: expect ...``)."""
import functools
from pathlib import Path

import pytest

from bench.cases import expected_verdicts
from derive.grading.grade import grade

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*.tex"))


expected = expected_verdicts  # the "% derive: expect ..." line of a corpus file


@functools.lru_cache(maxsize=None)
def graded(path):
    """Each file graded once for the whole module (the corpus is large)."""
    return grade(path)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_expected_verdict(path):
    report = graded(path)
    got = [s.status for s in report.steps]
    assert got == expected(path), "\n".join(f"line {s.line}: {s.status} {s.latex} | {s.message or s.method}"
                                            for s in report.steps)


def test_corpus_size_and_coverage():
    verdicts = [v for p in FILES for v in expected(p) if v != "given"]
    assert len(verdicts) >= 60
    assert {"proved", "refuted", "unparsed"} <= set(verdicts)


def test_no_wrong_step_is_ever_proved():
    """Every step the corpus marks refuted must never come back proved."""
    for path in FILES:
        for step, want in zip(graded(path).steps, expected(path)):
            if want == "refuted":
                assert step.status != "proved", (path.name, step.line)


def test_refutations_carry_a_counterexample_or_the_values():
    for path in FILES:
        for step in graded(path).steps:
            if step.status == "refuted":
                assert step.counterexample is not None


def truth(path):
    """The truth of every step (``% truth: ...``), decided by hand, independently of derive."""
    for line in path.read_text().splitlines():
        if line.startswith("% truth:"):
            return line.split(":", 1)[1].split()
    return None


TRUTH_FILES = [p for p in FILES if truth(p) is not None]


def test_the_reader_corpus_is_large_and_says_where_its_notation_was_seen():
    assert len(TRUTH_FILES) >= 30
    for path in TRUTH_FILES:
        assert "Notation seen in:" in path.read_text(), path.name
        assert len(truth(path)) == len(expected(path)), path.name


@pytest.mark.parametrize("path", TRUTH_FILES, ids=[p.stem for p in TRUTH_FILES])
def test_expected_verdicts_never_contradict_the_truth(path):
    """A valid step is never expected refuted, an invalid one never proved, an unrelated row never compared."""
    for want, true in zip(expected(path), truth(path)):
        assert not (true == "valid" and want == "refuted"), path.name
        assert not (true == "invalid" and want == "proved"), path.name
        assert not (true == "unrelated" and want in ("proved", "refuted", "unknown")), path.name
