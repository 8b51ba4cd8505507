"""With introspection off, errors do not suggest names ("Did you mean 'serviceOrders'?"): a
client could otherwise map the schema by guessing, one validation error at a time.

graphql-core appends its suggestions at the end of the message, in unknown fields, arguments,
types, enum values and input fields alike; Strawberry's `disable_field_suggestions` only
covers fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

_SUGGESTION = re.compile(r"\s*Did you mean .*\?$", re.DOTALL)


class HideSuggestions(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        for error in getattr(self.execution_context.result, "errors", None) or []:
            if "Did you mean" in error.message:
                error.message = _SUGGESTION.sub("", error.message)
