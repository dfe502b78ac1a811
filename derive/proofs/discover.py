"""Finding proofs: ``proofs/*.py`` is to derive what ``tests/`` is to pytest.

A proof file is a Python module; every module-level :class:`~derive.proofs.proof.Proof` and
every function marked with :func:`~derive.proofs.proof.theorem` in it is a proof. The family
of a proof is the first line of its module's docstring.
"""
from __future__ import annotations

import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from ..errors import ProofError
from .proof import Proof

DEFAULT_PATH = Path("proofs")


def builtin_path() -> Path:
    """The built-in proofs: the ``proofs/`` folder of derive's own source tree, found next to
    the installed ``derive`` package (an editable or source install), never the current
    folder's ``./proofs`` (``derive grade --against`` in an untrusted folder must not run
    its code). A wheel does not carry them: then say so, and ``--proofs PATH`` names them.
    """
    package = Path(__file__).resolve().parents[1]
    root = package.parent
    folder = root / "proofs"
    project = root / "pyproject.toml"
    try:
        ours = project.is_file() and 'name = "derive"' in project.read_text(encoding="utf-8")
    except OSError:
        ours = False
    if not (ours and folder.is_dir()):
        raise ProofError(f"the built-in proofs are not installed with this copy of derive (looked for "
                         f"{folder}); pass --proofs PATH to name a proof file or folder")
    return folder


@dataclass
class Entry:
    """A proof found in a file, built on demand (instantiated proofs can be costly)."""

    name: str
    family: str
    file: Path
    order: tuple
    _build: Callable[[], Proof]
    _proof: Optional[Proof] = None

    @property
    def built(self) -> bool:
        return self._proof is not None

    @property
    def title(self) -> str:
        """The proof's title; for a builder not yet run, its docstring's first line (no building)."""
        if self._proof is not None:
            return self._proof.title
        doc = (getattr(self._build, "__doc__", None) or "").strip().splitlines()
        return doc[0].strip() if doc else self.name

    def build(self) -> Proof:
        if self._proof is None:
            proof = self._build()
            if not isinstance(proof, Proof):
                raise ProofError(f"{self.file}: {self.name} did not return a Proof")
            proof.family = proof.family or self.family
            self._proof = proof
        return self._proof


def _load(path: Path):
    mod_name = "derive_proofs." + path.stem
    spec = importlib.util.spec_from_file_location(mod_name, path)
    if spec is None or spec.loader is None:
        raise ProofError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        tb = traceback.extract_tb(exc.__traceback__)
        line = next((f.lineno for f in reversed(tb) if Path(f.filename).resolve() == path.resolve()), None)
        where = f"{path}:{line}" if line else str(path)
        raise ProofError(f"{where}: error while loading proofs: {type(exc).__name__}: {exc}") from exc
    return module


def family_of(module) -> str:
    doc = (module.__doc__ or "").strip().splitlines()
    return doc[0].strip().rstrip(".") if doc else module.__name__.rsplit(".", 1)[-1]


def proof_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ProofError(f"{path}: no such file or folder")
    return sorted(p for p in path.glob("*.py") if not p.name.startswith("_"))


def entries_in_file(path: Path) -> list[Entry]:
    module = _load(path)
    family = family_of(module)
    out = []
    for pos, (attr, value) in enumerate(vars(module).items()):
        if isinstance(value, Proof):
            out.append(Entry(value.name, family, path, (str(path), pos), lambda v=value: v, value))
        elif callable(value) and getattr(value, "__derive_theorem__", None) is not None:
            fam = value.__derive_theorem__.get("family") or family
            out.append(Entry(attr, fam, path, (str(path), pos), value))
    return out


def discover(paths=None) -> list[Entry]:
    """Every proof under ``paths`` (default ``./proofs``), in file and definition order."""
    paths = [Path(p) for p in (paths or [DEFAULT_PATH])]
    out, seen = [], {}
    for root in paths:
        for f in proof_files(root):
            for e in entries_in_file(f):
                if e.name in seen:
                    raise ProofError(f"{f}: proof name {e.name!r} already defined in {seen[e.name]}")
                seen[e.name] = f
                out.append(e)
    return out


def select(entries: list[Entry], names: list[str]) -> list[Entry]:
    """The entries with the given names, in the order asked; unknown names are an error."""
    by_name = {e.name: e for e in entries}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise ProofError("no proof named " + ", ".join(repr(m) for m in missing)
                         + " (see `derive list`)")
    return [by_name[n] for n in names]
