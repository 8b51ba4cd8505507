"""Open gaps: ids below the high-water mark that the relay keeps re-reading for a while."""

from __future__ import annotations

from services.events.gaps import Gaps


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_gap_that_turns_up_is_closed() -> None:
    # given
    gaps = Gaps(timeout=10)
    gaps.open(range(3, 5))

    # when
    closed = gaps.close(3)

    # then
    assert closed
    assert gaps.ids() == {4}


def test_an_id_that_was_no_gap_is_not_closed() -> None:
    gaps = Gaps(timeout=10)
    gaps.open(range(3, 4))

    assert not gaps.close(7)


def test_a_gap_expires_after_its_timeout() -> None:
    # given
    clock = FakeClock()
    gaps = Gaps(timeout=10, clock=clock)
    gaps.open(range(3, 4))
    clock.now = 5
    gaps.open(range(8, 9))

    # when
    clock.now = 10
    expired = gaps.expire()

    # then
    assert expired == [3]
    assert gaps.ids() == {8}


def test_no_more_gaps_than_the_limit_stay_open_keeping_the_newest() -> None:
    # given
    gaps = Gaps(timeout=10, limit=3)
    gaps.open(range(1, 3))

    # when
    gaps.open(range(10, 13))

    # then
    assert gaps.ids() == {10, 11, 12}
