"""A lease row per periodic job: the process that holds it runs the job until it expires.

A conditional UPDATE (take the row if it is mine or has expired) rather than a PostgreSQL
advisory lock: a session advisory lock belongs to one connection, and Tortoise hands out
pooled connections per statement, so holding one would mean pinning a connection outside
the ORM. The row works the same on SQLite and PostgreSQL, and a holder that dies simply
stops renewing: another process takes the lease once it has expired.
"""

from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from models import Lease
from services import clock


async def hold_lease(name: str, holder: str, *, seconds: float) -> bool:
    """Take or renew the lease `name` for `holder` until now + `seconds`; True when `holder`
    holds it afterwards. Two processes asking at once: the UPDATE of one waits for the other's
    (row lock), then finds the row no longer expired and changes nothing."""
    at = clock.now()
    until = at + timedelta(seconds=seconds)
    mine_or_expired = Q(holder=holder) | Q(expires_at__lte=at)
    if await Lease.filter(Q(name=name) & mine_or_expired).update(holder=holder, expires_at=until):
        return True
    if await Lease.filter(name=name).exists():
        return False
    try:
        await Lease.create(name=name, holder=holder, expires_at=until)
    except IntegrityError:  # another process created it in between: it holds the lease
        return False
    return True


async def release_lease(name: str, holder: str) -> None:
    """Give the lease up at once (a stopping process), so another need not wait for expiry."""
    await Lease.filter(name=name, holder=holder).delete()
