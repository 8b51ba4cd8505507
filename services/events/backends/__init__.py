"""Broadcaster backends, chosen by the scheme of BROADCAST_URL."""

from __future__ import annotations

from urllib.parse import urlparse

from broadcaster import BroadcastBackend
from broadcaster._backends.memory import MemoryBackend

from services.events.backends.postgres_notify import PostgresNotifyBackend
from services.events.backends.redis_pubsub import RedisPubSubBackend
from services.events.backends.status import HEALTHY_IN_PROCESS, BrokerStatus, ReportsStatus

__all__ = ["BrokerStatus", "backend_for_url", "status_of"]


def backend_for_url(url: str) -> BroadcastBackend:
    scheme = urlparse(url).scheme
    if scheme == "memory":
        return MemoryBackend(url)
    if scheme in ("redis", "rediss"):
        return RedisPubSubBackend(url)
    if scheme in ("postgres", "postgresql"):
        return PostgresNotifyBackend(url)
    raise ValueError(
        f"BROADCAST_URL scheme {scheme!r} is not supported: use memory://, redis:// or postgres://"
    )


def status_of(backend: BroadcastBackend) -> BrokerStatus:
    if isinstance(backend, ReportsStatus):
        return backend.status()
    return HEALTHY_IN_PROCESS
