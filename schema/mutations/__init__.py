"""The Mutation root, one module per part of the domain, merged in schema/mutations/root.py."""
