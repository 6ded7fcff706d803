"""Evaluation datasets, runners and benchmarks. Never imported by the product."""
