"""Benchmarks for the speeds a user of xacct feels; run ``python build_scripts/bench``.

Not part of the test run: benchmarks measure, tests assert behaviour. What each section
measures, and why, is in docs/performance.md; ``build_scripts.bench.cli`` is the entry
point and lists the sections.
"""
