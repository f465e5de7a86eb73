"""The Insurer party in the kernel: an insurer login needs its insurer (like a storage operator)."""

import pytest
from django.db import IntegrityError, transaction

from marketplace.models import User
from tests.factories import InsurerFactory, InsurerUserFactory


@pytest.mark.django_db
def test_an_insurer_login_without_its_insurer_is_refused_by_the_database():
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="ins", password="x", role=User.Role.INSURER)


@pytest.mark.django_db
def test_an_insurer_login_with_its_insurer_is_kept():
    # given
    insurer = InsurerFactory(name="某保险公司")
    # when
    user = InsurerUserFactory(insurer=insurer)
    # then
    assert user.insurer == insurer
    assert list(insurer.users.all()) == [user]


@pytest.mark.django_db
def test_the_admin_lists_insurers(admin_client):
    InsurerFactory(name="某保险公司")
    response = admin_client.get("/django-admin/marketplace/insurer/")
    assert response.status_code == 200
    assert "某保险公司" in response.content.decode()
