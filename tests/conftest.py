import pytest

from tests.factories import UserFactory

pytest_plugins = ["tests.live", "tests.live_worker"]


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)
