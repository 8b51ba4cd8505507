"""The one clock of the services.

Every rule that reads the time (a transaction's timestamp, a lock's expiry, a retry's due
time, a schedule's "now") reads it here, so that tests move time by setting it instead of
sleeping (the `clock` fixture in tests/conftest.py) and a whole transaction sees one "now"
wherever its parts ask.
"""

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


_clock: Clock = system_clock


def now() -> datetime:
    """The current time, timezone-aware in UTC."""
    return _clock()


def use_clock(clock: Clock) -> Clock:
    """Install `clock` as the services' clock and return the one it replaces (for tests)."""
    global _clock
    previous, _clock = _clock, clock
    return previous
