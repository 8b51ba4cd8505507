"""Runtime configuration, read once from the environment (and an optional `.env` file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from models.config import DEFAULT_DATA_DIR, DEFAULT_DATABASE_URL, sqlite_file_in
from services.workers.routes import WorkerHttpRoute, parse_routes

MIN_JWT_SECRET_BYTES = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Unset: the SQLite file in data_dir (in_data_dir below).
    database_url: str = DEFAULT_DATABASE_URL
    broadcast_url: str = "memory://"
    data_dir: Path = DEFAULT_DATA_DIR

    # Authentication. Without JWT_SECRET a random secret is generated once and kept in data_dir.
    jwt_secret: str | None = None
    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_public_key: str | None = Field(default=None, description="PEM, for RS256 tokens")
    jwt_issuer: str = "service-order-fulfillment"
    jwt_audience: str | None = None
    token_ttl_seconds: int = 8 * 3600
    # Tokens whose lifetime (exp - iat, or exp - now without iat) is longer are refused.
    max_token_lifetime_seconds: int = 24 * 3600

    # Production defaults: `server.py run` (the embedded demo, `make run`) turns both on.
    demo_mode: bool = False
    introspection: bool = False
    max_query_depth: int = 12
    max_query_tokens: int = 5000
    max_aliases: int = 30
    # Request limits (README, Limits): bodies, caches, anonymous documents, query cost.
    max_body_bytes: int = 1_000_000
    max_cached_query_length: int = 20_000
    anonymous_max_query_length: int = 4_000
    max_query_cost: int = 100_000

    # Event relay: how often it reads the event table even when no hint arrived.
    catchup_interval_seconds: float = 1.0
    ws_connection_init_timeout_seconds: float = 5.0
    ws_max_operations: int = 50
    subscriber_queue_size: int = 1000
    # How often open websockets' users are read again (deactivated or roles changed: closed).
    ws_credentials_check_seconds: float = 15.0

    @field_validator("jwt_secret")
    @classmethod
    def long_enough(cls, secret: str | None) -> str | None:
        """HS256 with a short secret can be brute-forced offline from one token (RFC 7518
        asks for a key at least as long as the hash: 32 bytes)."""
        if secret is not None and len(secret.encode()) < MIN_JWT_SECRET_BYTES:
            raise ValueError(
                f"JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes "
                "(e.g. `openssl rand -base64 48`)"
            )
        return secret

    # Operations (README, Operations). `server.py run` (make run) logs to the console.
    log_format: Literal["json", "console"] = "json"
    log_level: str = "INFO"
    # /metrics is served to `Authorization: Bearer <METRICS_TOKEN>`, and not at all without it.
    metrics_token: str | None = Field(default=None, min_length=16)

    # The built-in worker of automated tasks (README, Automated tasks). `server.py run` (make
    # run) runs one in the server's process with the demo handlers; `serve` runs none.
    embedded_worker: bool = False
    worker_demo_handlers: bool = False
    # The http handler's routes by topic: JSON, or @PATH of a JSON file (workers/routes.py).
    worker_http_routes: Annotated[dict[str, WorkerHttpRoute], NoDecode] = Field(
        default_factory=dict
    )
    worker_username: str = "automation"
    worker_concurrency: int = Field(default=4, ge=1, le=256)
    worker_lock_seconds: int = Field(default=60, ge=5, le=24 * 3600)
    # Idle polls start at the first and double up to the second (README: the poll interval).
    worker_poll_seconds: float = Field(default=0.5, gt=0)
    worker_max_poll_seconds: float = Field(default=5.0, gt=0)
    # How long a stopping worker lets its running handlers finish before it releases them.
    worker_stop_grace_seconds: float = Field(default=10.0, ge=0)
    # How long a demo handler "works" (so that the plan shows the task IN_PROGRESS a moment).
    worker_demo_seconds: float = Field(default=1.0, ge=0)
    # `server.py worker` serves its own metrics on this port (none when unset): it has no
    # HTTP port of its own, and its figures (handler runs, attempts, sweepers) are its own.
    worker_metrics_port: int | None = Field(default=None, ge=1, le=65535)
    worker_metrics_host: str = "127.0.0.1"

    @model_validator(mode="after")
    def in_data_dir(self) -> Settings:
        """DATA_DIR is where the local state goes, the default database included."""
        if "database_url" not in self.model_fields_set:
            self.database_url = sqlite_file_in(self.data_dir)
        return self

    @field_validator("worker_http_routes", mode="before")
    @classmethod
    def routes(cls, value: Any) -> dict[str, WorkerHttpRoute]:
        return parse_routes(value)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
