"""The read side: what a user may see, list filters, pages, and batch loads for DataLoaders.

Plain async functions over the models, like the rest of `services/`; the GraphQL layer calls
them and never builds querysets itself.
"""
