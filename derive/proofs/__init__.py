"""Proof machinery: Proof/Step/Report, discovery of proof files, the LaTeX printer and
export, the pytest plugin. The built-in content lives in the top-level proofs/.
"""
