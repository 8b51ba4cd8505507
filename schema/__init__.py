"""The GraphQL schema: Strawberry types, inputs, payloads, extensions. No business rules.

Types are views over the models: a field that is a plain column reads the model attribute of
the same name; relations go through the request's DataLoaders (resolvers/loaders.py).
"""
