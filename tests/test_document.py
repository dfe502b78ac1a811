"""Documents into displays, rows and formulas: what is a row, what is a remark, where things are."""
import pytest

from derive.errors import DeriveError
from derive.reading.document import read_document
from derive.reading.tokens import Source, tokenize
from derive.reading.tree import Cmd, parse_tree

ROWS = [
    # (document, the formulas of each row)
    (r"\[ a = b \]", [["a", "b"]]),
    ("$$ a = b $$", [["a", "b"]]),
    (r"\begin{align*} a &= b \\ &= c \end{align*}", [["a", "b"], ["", "c"]]),
    (r"\begin{equation} \begin{aligned} a &= b \\ &= c \end{aligned} \end{equation}", [["a", "b"], ["", "c"]]),
    (r"\begin{multline} a + b \\ = c \end{multline}", [["a + b", "c"]]),
    (r"\begin{align} a &= b + c \\ &\quad + d \end{align}", [["a", r"b + c \quad + d"]]),
    (r"\[ a = b \quad \text{since } b = a \]", [["a", "b"]]),
    (r"\[ a = b, \quad i = j \]", [["a", "b"]]),
    (r"\[ a = b \quad\text{for } i \ne j \]", [["a", "b"]]),
    (r"\[ a = b \because b = a \]", [["a", "b"]]),
    (r"\[ a = b. \]", [["a", "b"]]),
    (r"\[ u_j = w_j, j \geq 1 \]", [["u_j", "w_j"]]),
    (r"\begin{align} a &= b && \text{by definition} \\ &= c \label{x} \end{align}", [["a", "b"], ["", "c"]]),
    (r"\[ a \underset{\text{linearity}}{=} b \\[2ex] = c \]", [["a", "b"], ["", "c"]]),
    (r"\[ \begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix} = M \]",
     [[r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}", "M"]]),
]


@pytest.mark.parametrize("text, rows", ROWS)
def test_rows_and_their_formulas(text, rows):
    doc = read_document(text)
    assert [[" ".join(c.text.split()) for _, c in r.parts] for r in doc.rows] == rows


def test_reasons_are_kept_as_the_rows_reason():
    doc = read_document(r"\begin{align} a &= b && \text{by definition} \\ &= c \quad \text{since } c = b \end{align}")
    assert [r.reason for r in doc.rows] == ["by definition", "since c = b"]


def test_each_display_is_its_own_chain():
    doc = read_document("\\[ a = b \\]\nwords\n\\[ = c \\]")
    assert [r.display for r in doc.rows] == [0, 1]


def test_every_character_of_a_formula_knows_its_line_and_column():
    doc = read_document("% a comment\n\\begin{align*}\n  x &= 1 000\n\\end{align*}\n")
    chunk = doc.rows[0].parts[1][1]
    assert chunk.text == "1 000" and chunk.positions[2] == (3, 10)


def test_inline_math_alone_is_not_graded():
    with pytest.raises(DeriveError, match="no display math"):
        read_document("The result is $a = b$.")


def test_e_indexed_or_defined_is_bound():
    assert "e" in read_document(r"\[ e_i = y_i - t_i \]").bound
    assert "e" in read_document(r"\[ e = y - t \]").bound
    assert "e" not in read_document(r"\[ e^{x} = y \]").bound


ARGUMENTS = [
    (r"\frac12", ["1", "2"]),
    (r"\frac 1 2", ["1", "2"]),
    (r"\frac d{dz}", ["d", "{dz}"]),
    (r"\sqrt3", ["3"]),
    (r"\frac{a}{b}", ["{a}", "{b}"]),
]


@pytest.mark.parametrize("text, args", ARGUMENTS)
def test_a_command_takes_its_arguments_braced_or_not(text, args):
    src = Source(text)
    (cmd,) = [n for n in parse_tree(src, tokenize(src)) if isinstance(n, Cmd)]
    assert [src.text[a.pos:(a.end + 1) if hasattr(a, "end") else a.pos + a.tok.size] for a in cmd.args] == args
