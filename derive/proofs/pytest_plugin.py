"""pytest plugin: proofs are collected as test items.

Collected: every ``*.py`` file (not starting with ``_`` or ``test_``) in a folder named
``proofs``; any ``.py`` file named on the command line (``pytest my_results.py``); and the
files and folders listed in the ``derive_paths`` ini option, which are added to the run
when no paths are given on the command line::

    [tool.pytest.ini_options]
    derive_paths = ["derivations", "extra/lemmas.py"]

A failing proof is reported in pytest's own output with its first failing step: where it
was written (file, line and the line itself), both sides, the verdict, and the values of
both sides at the counterexample.
"""
from __future__ import annotations

from pathlib import Path

import pytest


class ProofFailed(Exception):
    """Raised by a proof item whose report is not ok."""


def pytest_addoption(parser):
    parser.addini("derive_paths", "files or folders whose proofs are collected as tests", type="paths",
                  default=[])


def pytest_configure(config):
    extra = [str(p) for p in config.getini("derive_paths")]
    from_cli = getattr(config, "args_source", None) == pytest.Config.ArgsSource.ARGS
    if extra and not from_cli:
        config.args[:] = list(config.args) + [p for p in extra if p not in config.args]


def _named(config) -> set:
    """Files named on the command line or in ``derive_paths`` (and the folders of the latter)."""
    out = set()
    for arg in list(getattr(config, "invocation_params").args) + [str(p) for p in config.getini("derive_paths")]:
        path = Path(str(arg).split("::")[0])
        if not path.is_absolute():
            path = Path(config.invocation_params.dir) / path
        out.add(path.resolve())
    return out


def _wanted(file_path: Path, config) -> bool:
    if file_path.suffix != ".py" or file_path.name.startswith(("_", "test_")) or file_path.name == "conftest.py":
        return False
    if file_path.parent.name == "proofs":
        return True
    named = _named(config)
    resolved = file_path.resolve()
    return resolved in named or any(p.is_dir() and p in resolved.parents for p in named
                                    if p in {Path(x).resolve() for x in config.getini("derive_paths")})


def pytest_collect_file(file_path, parent):
    if _wanted(Path(file_path), parent.config):
        return ProofFile.from_parent(parent, path=file_path)
    return None


class ProofFile(pytest.File):
    def collect(self):
        from .discover import entries_in_file

        for entry in entries_in_file(self.path):
            yield ProofItem.from_parent(self, name=entry.name, entry=entry)


class ProofItem(pytest.Item):
    def __init__(self, *, entry, **kwargs):
        super().__init__(**kwargs)
        self.entry = entry
        self.report = None

    def runtest(self):
        self.report = self.entry.build().check()
        if not self.report.ok:
            raise ProofFailed(self.entry.name)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ProofFailed) and self.report is not None:
            return f"proof {self.entry.name} is not proved: {self.report.status}\n" + self.report.failure_text()
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"proof {self.entry.name}"
