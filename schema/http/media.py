"""Which media type a GraphQL response is sent as (GraphQL over HTTP).

`application/graphql-response+json` when the client's Accept header asks for it at least as
much as for `application/json`; `application/json` otherwise (legacy clients, no Accept).
With the former, the spec's status codes apply: a request that fails before execution
(parse, validation, variables) is a 4xx with no `data` entry.
"""

from __future__ import annotations

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


def accepted(accept: str) -> dict[str, float]:
    """The media ranges of an Accept header and their quality."""
    ranges: dict[str, float] = {}
    for part in accept.split(","):
        media, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media:
            ranges[media.lower()] = quality
    return ranges


def wants_graphql_response(accept: str | None) -> bool:
    if not accept:
        return False
    ranges = accepted(accept)
    preferred = ranges.get(GRAPHQL_RESPONSE, 0.0)
    return preferred > 0 and preferred >= max(ranges.get(JSON, 0.0), ranges.get("*/*", 0.0))
