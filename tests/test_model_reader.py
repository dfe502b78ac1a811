"""The document model standing on the reader: what the merge of the two had to decide.

Derivatives by one name reach the graph as written (``Partial``); a derivative through a name the
text never defines is an unknown quantity, never 0; unbounded sums over one family have one size.
"""
from __future__ import annotations

import pytest

from derive.grading.grade import grade_text


def statuses(text: str) -> list:
    return [s.status for s in grade_text(text, timeout=20).steps if s.status != "given"]


@pytest.mark.parametrize("text, want", [
    # an undefined y_k may depend on w: its derivative is unknown, never 0
    (r"\[ \frac{\partial y_k}{\partial w} = 0 \]", "not proved"),
    (r"\[ \frac{\partial}{\partial w} \ln y = 0 \]", "not proved"),
    # the total derivative through every undefined name: the product rule holds, a dropped term does not
    (r"\[ \frac{\partial}{\partial w} (a b) = a \frac{\partial b}{\partial w} + b \frac{\partial a}{\partial w} \]",
     "proved"),
    # the dropped term rests on da/dw: refuted where the text writes that a depends on w, else
    # unknown (if a does not depend on w, the claim holds)
    (r"\[ \frac{\partial a}{\partial w} = \frac{\partial a}{\partial w} \]" "\n"
     r"\[ \frac{\partial}{\partial w} (a b) = a \frac{\partial b}{\partial w} \]", "refuted"),
    (r"\[ \frac{\partial}{\partial w} (a b) = a \frac{\partial b}{\partial w} \]", "unknown"),
    (r"\[ \frac{\partial y^8}{\partial x} = 0 \]", "unknown"),
    # v is an unknown quantity (differentiated against b elsewhere), yet d(v^2)/dv is 2v
    (r"\[ \frac{\partial v}{\partial b} \frac{\partial v^2}{\partial v} = 2 v \frac{\partial v}{\partial b} \]",
     "proved"),
    # a derivative under an evaluation bar
    (r"\[ \left. \frac{d}{dx} x^3 \right|_{x=2} = 12 \]", "proved"),
    (r"\[ \frac{d}{dt} \sin t \Big|_{t=0} = 0 \]", "refuted"),
])
def test_derivatives_through_unknown_dependence(text, want):
    got = statuses(text)
    assert got, text
    if want == "not proved":
        assert got[-1] != "proved"
    else:
        assert got[-1] == want


def test_unbounded_sums_over_one_family_share_one_size():
    # the reader names each unbounded sum's range after one family it runs over; two sums over
    # z^{(l+1)} paired with different families must still run over one range
    text = r"""\begin{align*}
z_k^{(2)} &= \sum_{j} w_{kj}^{(2)} a_j \\
\delta &= \sum_{k} \frac{\partial J}{\partial z_k^{(2)}} \frac{\partial z_k^{(2)}}{\partial a_j}
        = \sum_{k} w_{kj}^{(2)} \frac{\partial J}{\partial z_k^{(2)}}
\end{align*}"""
    assert statuses(text)[-1] == "proved"


def test_a_written_bound_is_the_size_of_its_family():
    # softmax(o)_j runs over all of o; \sum_{k=1}^q o_k says o has q entries
    text = (r"\[ \frac{\exp(o_j)}{\sum_{k=1}^q \exp(o_k)} - y_j = \mathrm{softmax}(\mathbf{o})_j - y_j \]")
    assert statuses(text) == ["proved"]
