"""Thin resolvers: decode ids, call one service, hand back models (or user errors).

Nothing here imports Strawberry types: the schema wraps what these return.
"""
