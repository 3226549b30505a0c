"""Helpers of bench/load_bench.py: the simulated persons, the peer bots and the profile summary."""
