"""Benchmark harness of issue 6: naive per-agent reference vs. production model."""
