"""Periodic jobs that run on one process of a cluster at a time (sweepers)."""
