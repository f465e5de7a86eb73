"""Exchange staff edit the public site in the Wagtail admin (/cms-admin/): one group carries the
admin access and the page, document and image permissions, and every staff login is in it.

The group is made on demand (and after each migrate), not by a data migration, so a flushed test
database gets it back the same way; membership follows the user's role on every save.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_migrate, post_save
from django.dispatch import receiver

GROUP_NAME = "交易中心工作人员 Exchange staff"
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
SETTINGS_PERMISSIONS = ("change_sitefootersettings",)
COLLECTION_PERMISSIONS = (
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
)


def staff_group() -> Group:
    """The staff group with its Wagtail permissions (idempotent)."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    group, created = Group.objects.get_or_create(name=GROUP_NAME)
    # The footer's site settings (issue 16): also given to a group made before they existed.
    footer = Permission.objects.filter(
        content_type__app_label="cms", codename__in=SETTINGS_PERMISSIONS
    )
    if created or not group.permissions.filter(pk__in=footer).exists():
        group.permissions.add(*footer)
    if not created:
        return group
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if access:
        group.permissions.add(access)
    root = Page.get_first_root_node()
    if root is not None:
        for codename in PAGE_PERMISSIONS:
            permission = Permission.objects.filter(
                content_type__app_label="wagtailcore", codename=codename
            ).first()
            if permission:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=permission
                )
    collection = Collection.get_first_root_node()
    if collection is not None:
        for app_label, codename in COLLECTION_PERMISSIONS:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=permission
                )
    return group


def staff_membership_sync(user, *, created=False):
    """Staff logins are in the group; others are not."""
    if user.role == "exchange_staff":
        user.groups.add(staff_group())
    elif not created:
        group = Group.objects.filter(name=GROUP_NAME).first()
        if group is not None:
            user.groups.remove(group)


@receiver(post_save, sender="marketplace.User", dispatch_uid="cms-staff-access")
def _user_saved(sender, instance, created=False, raw=False, **kwargs):
    if not raw:
        staff_membership_sync(instance, created=created)


@receiver(post_migrate, dispatch_uid="cms-staff-access-migrate")
def _after_migrate(sender, app_config=None, **kwargs):
    if app_config is None or app_config.label != "cms":
        return
    from marketplace.models import User

    for user in User.objects.filter(role="exchange_staff"):
        staff_membership_sync(user)
