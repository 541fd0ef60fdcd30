"""Benchmark, case generator and the plain-Python reference implementation (not the engine)."""
