"""Benchmarks: scripts that print figures (search latency, ingest rate), not tests that pass or fail.

They live outside the test suite because their numbers depend on the machine, and a shared, noisy
machine must not turn a slow minute into a red build.
"""
