"""Domain vocabularies shared by several apps (GLOSSARY.md), so no app imports another for them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LandClass(models.TextChoices):
    """R-RIGHT-2 land classes."""

    PADDY = "paddy", _("Paddy")
    DRY_LAND = "dry_land", _("Dry land")
    GARDEN = "garden", _("Garden / orchard")
    FOREST_LAND = "forest_land", _("Forest land")
    OTHER = "other", _("Other")


class ForestClass(models.TextChoices):
    PUBLIC_WELFARE = "public_welfare", _("Public-welfare forest")
    COMMERCIAL = "commercial", _("Commercial forest")


class AgeClass(models.TextChoices):
    """Stand age classes (R-RIGHT-2, R-VAL-2)."""

    YOUNG = "young", _("Young")
    MIDDLE = "middle", _("Middle-aged")
    NEAR_MATURE = "near_mature", _("Near-mature")
    MATURE = "mature", _("Mature")
    OVER_MATURE = "over_mature", _("Over-mature")


class RightType(models.TextChoices):
    """R-RIGHT-1: what is traded (CONTRACT is the origin right, not listed itself)."""

    CONTRACT = "contract", _("Contract right")
    LAND_MANAGEMENT = "land_management", _("Land management right")
    FOREST = "forest", _("Forest right")
    STORED_LAND = "stored_land", _("Stored land")


class TransferMode(models.TextChoices):
    """R-LIST-2 transfer modes."""

    LEASE = "lease", _("Lease")
    SUBLEASE = "sublease", _("Sublease")
    SHARES = "shares", _("Shares")
    FOREST_TRANSFER = "forest_transfer", _("Transfer of forest-tree ownership")
