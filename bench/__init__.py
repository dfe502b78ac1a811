"""Benchmarks of derive (run ``python -m bench.equal_vs_simplify`` from the project root)."""
