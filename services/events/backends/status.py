"""How a broker backend reports its health, for `/readyz` and the logs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class BrokerStatus:
    healthy: bool
    detail: str

    @property
    def state(self) -> str:
        """ "ok" or "degraded": without a broker, delivery falls back to the relay's catch-up."""
        return "ok" if self.healthy else "degraded"


@runtime_checkable
class ReportsStatus(Protocol):
    def status(self) -> BrokerStatus: ...


HEALTHY_IN_PROCESS = BrokerStatus(True, "in-process (memory://)")
