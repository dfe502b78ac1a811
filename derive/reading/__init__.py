"""LaTeX in: a person's derivation read into SymPy. No verdicts here.
"""
