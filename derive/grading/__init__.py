"""A person's derivation -> graded steps: chains, implications, marked output, the folder pool.
"""
