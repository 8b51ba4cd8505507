"""Human-readable numbers are unique, consecutive and formatted per kind."""

from services.numbering import NumberKind, allocate_number, allocate_numbers
from services.unit_of_work import unit_of_work


async def test_first_service_order_number_is_SO0001001(db: str) -> None:
    async with unit_of_work(None):
        number = await allocate_number(NumberKind.SERVICE_ORDER)
    assert number == "SO0001001"


async def test_a_block_of_numbers_is_consecutive_and_follows_the_last(db: str) -> None:
    async with unit_of_work(None):
        first = await allocate_number(NumberKind.TASK)
        block = await allocate_numbers(NumberKind.TASK, 3)
    assert [first, *block] == ["TASK0000001", "TASK0000002", "TASK0000003", "TASK0000004"]
