"""Evaluation and benchmark tooling (not installed with the package)."""
