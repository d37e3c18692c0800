"""Benchmarks for asyncinfer: ours against a seed-style baseline, as ratios.

`python -m bench` (what `make bench` runs) writes bench/results/ (JSON, markdown table, PNG
chart). Benchmarks are not tests: `make test` only runs a tiny smoke version (tests/bench/).
"""
