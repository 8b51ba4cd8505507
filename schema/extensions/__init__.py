"""Schema extensions: authentication, limits against abusive queries, error masking."""
