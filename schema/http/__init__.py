"""HTTP around the GraphQL endpoint: media types, error responses, request limits."""
