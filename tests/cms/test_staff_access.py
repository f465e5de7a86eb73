"""Exchange staff reach the Wagtail admin (/cms-admin/) to edit the public site; others do not."""

import pytest
from wagtail.models import Page

from cms.staff_access import GROUP_NAME
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_staff_login_opens_the_wagtail_admin_and_may_edit_pages(client):
    staff = factories.UserFactory(role="exchange_staff")
    assert staff.groups.filter(name=GROUP_NAME).exists()
    client.force_login(staff)
    assert client.get("/cms-admin/").status_code == 200
    from cms.structure import home

    page = Page.objects.get(pk=home().pk)
    assert page.permissions_for_user(staff).can_edit()
    assert page.permissions_for_user(staff).can_publish()


def test_other_roles_are_sent_to_the_login_and_leave_the_group_when_their_role_changes(client):
    user = factories.UserFactory(role="exchange_staff")
    user.role = "auditor"
    user.save()
    assert not user.groups.filter(name=GROUP_NAME).exists()
    client.force_login(factories.AgribusinessUserFactory())
    response = client.get("/cms-admin/")
    assert response.status_code == 302
