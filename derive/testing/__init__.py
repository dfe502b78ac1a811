"""Tools that test the checker: the mutation tester and the baselines, used by bench/ and tests/.
"""
