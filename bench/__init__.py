"""Benchmarks and fault runs of SKM Bot; they never run as part of the test suite.

`python -m bench` measures throughput, aggregation, import, memory and start-up;
`python -m bench.kill` kills the real bot process during a load of surveys and checks the data.
Run both from the repository's root: they reuse the fake Bot API of `tests/fakes/`.
"""
