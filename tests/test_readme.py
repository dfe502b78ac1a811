"""The README's library examples run as written, and the values they state are the values."""
import ast
import re

from tests.conftest import ROOT

BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
STATED = re.compile(r"#\s*(?P<value>'[^']*'|\{.*\}|True|False)\s*$")


def test_the_readme_has_python_examples():
    assert len(BLOCKS) >= 2


def test_readme_python_blocks_run_as_written_and_state_true_values():
    namespace: dict = {}
    checked = 0
    for block in BLOCKS:
        lines = block.splitlines()
        for stmt in ast.parse(block).body:  # statement by statement, in one namespace, as a reader runs them
            m = STATED.search(lines[stmt.end_lineno - 1])
            if isinstance(stmt, ast.Expr) and m:
                got = eval(compile(ast.Expression(stmt.value), "README", "eval"), namespace)
                assert got == ast.literal_eval(m["value"]), (ast.unparse(stmt), got)
                checked += 1
            else:
                exec(compile(ast.Module([stmt], []), "README", "exec"), namespace)
    assert checked >= 7
