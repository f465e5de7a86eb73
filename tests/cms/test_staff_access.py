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


def test_staff_edit_the_footer_settings_in_the_wagtail_admin(client):
    # issue 16: the footer (host organisation, filing numbers) is a site setting staff edit
    from wagtail.models import Site

    from cms.models import SiteFooterSettings

    staff = factories.UserFactory(role="exchange_staff")
    client.force_login(staff)
    site = Site.objects.get(is_default_site=True)
    url = f"/cms-admin/settings/cms/sitefootersettings/{site.pk}/"
    assert client.get(url).status_code == 200
    data = {
        "organisation": "湘西州农村产权流转交易中心",
        "address": "吉首市",
        "phone": "0743-1234567",
        "email": "",
        "opening_hours": "",
        "icp_number": "湘ICP备12345678号-1",
        "psb_number": "湘公网安备43310102000001号",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert SiteFooterSettings.for_site(site).icp_number == "湘ICP备12345678号-1"
    assert "湘ICP备12345678号-1" in client.get("/").content.decode()
