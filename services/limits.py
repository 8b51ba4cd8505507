"""The bounds on every input, in one place: the services enforce them, the schema only applies
them (README.md, *Limits*, lists them with why).

Each bound is checked before anything is written, and answered with a VALIDATION error (a user
error of a mutation, or a GraphQL error with that code for an argument).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextBound:
    """How long a text may be (in characters, after stripping) and whether it may span lines.

    No text may hold NUL, another control character or a lone surrogate (PostgreSQL cannot
    store the first or the last, and none belongs in a name or a note); free text (`multiline`)
    may hold tab, line feed and carriage return, so that a note can keep its paragraphs.
    """

    max_length: int
    multiline: bool


# The width of the customer and external id columns.
NAME = TextBound(max_length=128, multiline=False)
# The width of the specification code column.
CODE = TextBound(max_length=64, multiline=False)
# The width of the number columns (SO0001001, TA…, FA…).
NUMBER = TextBound(max_length=16, multiline=False)
# Notes, reasons and descriptions: copied into the event of the change and sent to every
# subscriber of it, so a few pages of text at most.
FREE_TEXT = TextBound(max_length=4000, multiline=True)

# A line item's characteristics (any JSON object): small enough to copy into a plan, shallow
# enough for any JSON encoder (orjson refuses more than 254 levels in the whole response),
# numbers every client reads exactly.
MAX_CHARACTERISTICS_DEPTH = 16
MAX_CHARACTERISTICS_BYTES = 16 * 1024
MIN_JSON_INTEGER = -(2**63)
MAX_JSON_INTEGER = 2**63 - 1

# Ids and cursors: the range of the key columns. Rows are `int4` on PostgreSQL, events `int8`;
# a larger key names nothing and would overflow the driver's parameter.
MAX_ROW_ID = 2**31 - 1
MAX_EVENT_ID = 2**63 - 1

# One order's plan stays a size a single transaction can write.
MAX_LINE_ITEMS = 100
MAX_QUANTITY = 50

# Automated tasks (services/automation/): a worker's id and a handler topic are names; a
# worker's error becomes a fallout's description (FREE_TEXT) with a line of context, so it is
# a little shorter; a task's output and a corrected input are copied into the contexts of
# the tasks after it, so they are bounded like characteristics.
WORKER_ID = TextBound(max_length=128, multiline=False)
HANDLER = CODE
WORKER_ERROR = TextBound(max_length=3000, multiline=True)
MAX_OUTPUT_BYTES = 16 * 1024
MAX_FETCH_HANDLERS = 50
MAX_FETCH_TASKS = 100
MAX_LOCK_SECONDS = 24 * 3600

# A connection page.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
