"""Benchmark scripts: speed is measured here, with medians over repeated runs, never in tests."""
