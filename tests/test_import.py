"""``from derive import ...`` gives every name the package lists."""
import importlib

import derive


def test_every_listed_name_imports():
    for name in derive.__all__:
        assert getattr(derive, name) is not None, name


def test_check_does_not_import_the_latex_parser():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "import sys, derive, derive.cli, derive.proofs.discover; "
                          "print('latex2sympy2' in sys.modules)"], capture_output=True, text=True)
    assert out.stdout.strip() == "False"
    importlib.import_module("derive.reading.parse")
