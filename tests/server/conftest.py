from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.server.helpers import KEY, make_tokens

from aidrules.server.app import ServiceConfig, create_app
from aidrules.server.catalogue import Catalogue, build_catalogue


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return build_catalogue()


@pytest.fixture
def tokens_file(tmp_path: Path) -> Path:
    return tmp_path / "tokens.json"


@pytest.fixture
def tokens(tokens_file: Path) -> dict[str, str]:
    return make_tokens(tokens_file)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "journal.key"
    path.write_text(KEY, encoding="utf-8")
    return path


@pytest.fixture
def make_client(catalogue: Catalogue, tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """An in-process client of a service built with the given ServiceConfig fields."""
    made: list[TestClient] = []

    def make(**fields: object) -> TestClient:
        client = TestClient(create_app(ServiceConfig(catalogue=catalogue, **fields)), raise_server_exceptions=False)  # type: ignore[arg-type]
        client.__enter__()
        made.append(client)
        return client

    yield make
    for client in made:
        client.__exit__(None, None, None)


@pytest.fixture
def open_client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()
