"""A clock the test moves (the `clock` fixture installs it as the services' clock)."""

from datetime import UTC, datetime, timedelta


class FakeClock:
    def __init__(self, at: datetime | None = None) -> None:
        self._at = at or datetime.now(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at

    def advance(self, *, seconds: float = 0, minutes: float = 0, hours: float = 0) -> datetime:
        self._at += timedelta(seconds=seconds, minutes=minutes, hours=hours)
        return self._at
