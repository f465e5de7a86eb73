"""The kernel's access policy (marketplace/permissions.py): roles and county scope."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from marketplace import permissions as policy
from marketplace.models import County, User

pytestmark = pytest.mark.django_db


def _user(role="", county=None, **extra):
    if role == "insurer" and "insurer" not in extra:  # an insurer login needs its party
        from marketplace.models import Insurer

        extra["insurer"] = Insurer.objects.get_or_create(name="测试保险公司")[0]
    return User.objects.create_user(
        username=f"u{User.objects.count()}", password="x", role=role, county=county, **extra
    )


@pytest.fixture
def two_counties(db):
    from marketplace.models import Prefecture

    prefecture = Prefecture.objects.get_or_create(code="433100", defaults={"name": "湘西州"})[0]
    guzhang = County.objects.get_or_create(
        code="433126", defaults={"prefecture": prefecture, "name": "古丈县"}
    )[0]
    yongshun = County.objects.get_or_create(
        code="433127", defaults={"prefecture": prefecture, "name": "永顺县"}
    )[0]
    return guzhang, yongshun


def test_county_staff_manage_their_county_only(two_counties):
    guzhang, yongshun = two_counties
    staff = _user("exchange_staff", county=yongshun)
    deal = SimpleNamespace(listing=SimpleNamespace(county_id=guzhang.pk))
    assert not staff.has_perm("marketplace.manage_county", deal)
    assert staff.has_perm("marketplace.manage_county", SimpleNamespace(county_id=yongshun.pk))
    with pytest.raises(PermissionDenied):
        policy.require(staff, "marketplace.manage_county", deal)


def test_prefecture_staff_manage_every_county_and_the_prefecture_tables(two_counties):
    guzhang, _ = two_counties
    staff = _user("exchange_staff")
    assert staff.has_perm("marketplace.manage_county", SimpleNamespace(county_id=guzhang.pk))
    assert staff.has_perm("marketplace.manage_prefecture")
    assert not _user("exchange_staff", county=guzhang).has_perm("marketplace.manage_prefecture")


def test_an_auditor_reads_in_scope_and_never_writes(two_counties):
    guzhang, yongshun = two_counties
    auditor = _user("auditor", county=guzhang)
    assert auditor.has_perm("marketplace.read_county", SimpleNamespace(county_id=guzhang.pk))
    assert not auditor.has_perm("marketplace.read_county", SimpleNamespace(county_id=yongshun.pk))
    assert not auditor.has_perm("marketplace.manage_county", SimpleNamespace(county_id=guzhang.pk))
    assert not auditor.has_perm("marketplace.write_staff_pages")


@pytest.mark.parametrize("role", ["household", "insurer", "forestry_inspector", ""])
def test_other_roles_have_no_staff_permission(two_counties, role):
    guzhang, _ = two_counties
    user = _user(role)
    assert not user.has_perm("marketplace.read_staff_pages")
    assert not user.has_perm("marketplace.read_county", SimpleNamespace(county_id=guzhang.pk))


def test_scope_queryset_filters_county_staff_and_empties_other_roles(two_counties):
    from marketplace.models import StorageCenter

    guzhang, yongshun = two_counties
    for county in (guzhang, yongshun):
        StorageCenter.objects.get_or_create(county=county, defaults={"name": f"{county}收储中心"})
    qs = StorageCenter.objects.all()
    assert policy.scope_queryset(qs, _user("auditor")).count() == 2
    staff = _user("exchange_staff", county=guzhang)
    assert [c.county for c in policy.scope_queryset(qs, staff)] == [guzhang]
    assert not policy.scope_queryset(qs, _user("insurer")).exists()
