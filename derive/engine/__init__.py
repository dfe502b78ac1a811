"""The decision procedure: equal()/compare() and what it stands on (assumptions, probe,
certificates, bounded workers). Knows nothing of LaTeX, proofs or grading.
"""
