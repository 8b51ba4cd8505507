"""Without JWT_SECRET, a random secret is generated once per data folder; never a default."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from services.auth.errors import AuthenticationError
from services.auth.keys import SECRET_FILE_NAME, local_secret, signing_key, verification_key
from services.settings import Settings


def settings(data_dir: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=data_dir, **values)  # type: ignore[arg-type]


def test_without_jwt_secret_a_secret_is_generated_into_the_data_folder(tmp_path: Path) -> None:
    key = signing_key(settings(tmp_path, jwt_secret=None))
    assert (tmp_path / SECRET_FILE_NAME).read_text() == key
    assert len(key) >= 48


def test_the_generated_secret_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    signing_key(settings(tmp_path, jwt_secret=None))
    mode = stat.S_IMODE((tmp_path / SECRET_FILE_NAME).stat().st_mode)
    assert mode == 0o600


def test_each_installation_generates_its_own_secret(tmp_path: Path) -> None:
    first = local_secret(tmp_path / "one")
    second = local_secret(tmp_path / "two")
    assert first != second


def test_a_secret_kept_in_the_data_folder_is_reused(tmp_path: Path) -> None:
    (tmp_path / SECRET_FILE_NAME).write_text("kept-from-an-earlier-start\n")
    assert verification_key(settings(tmp_path, jwt_secret=None)) == "kept-from-an-earlier-start"


def test_jwt_secret_wins_over_the_data_folder(tmp_path: Path) -> None:
    key = signing_key(settings(tmp_path, jwt_secret="a-configured-secret-of-32-bytes-or-more"))
    assert key == "a-configured-secret-of-32-bytes-or-more"
    assert not (tmp_path / SECRET_FILE_NAME).exists()


def test_rs256_without_a_public_key_cannot_verify(tmp_path: Path) -> None:
    with pytest.raises(AuthenticationError, match="JWT_PUBLIC_KEY"):
        verification_key(settings(tmp_path, jwt_algorithm="RS256"))


def test_rs256_tokens_are_not_issued_here(tmp_path: Path) -> None:
    with pytest.raises(AuthenticationError, match="identity provider"):
        signing_key(settings(tmp_path, jwt_algorithm="RS256", jwt_public_key="PEM"))
