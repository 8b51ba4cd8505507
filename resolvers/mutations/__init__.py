"""Mutation resolvers: each decodes its ids, calls one service, and reports domain errors."""
