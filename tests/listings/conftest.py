"""Fixtures of the listings tests (the scene itself lives in tests/listings/scene.py)."""

import pytest

from tests.listings.scene import make_scene


@pytest.fixture
def scene(db):
    return make_scene()
