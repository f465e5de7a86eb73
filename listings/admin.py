"""Django admin for the registry: staff register parcels, rights, holders and encumbrances here.

Saving runs the model's clean() (R-RIGHT-2: parcel code, area, polygon, forest attributes);
listings themselves change state only through the consoles' services, never here.
"""

from django.contrib import admin

from marketplace import permissions as policy

from .models import Encumbrance, Listing, ListingDocument, Parcel, Right, RightHolder


@admin.register(Parcel)
class ParcelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "village", "area_mu", "land_class", "is_basic_farmland"]
    list_filter = ["land_class", "is_basic_farmland", "village__township__county"]
    search_fields = ["code", "name"]
    raw_id_fields = ["village"]


class RightHolderInline(admin.TabularInline):
    model = RightHolder
    extra = 1
    raw_id_fields = ["household", "enterprise", "collective", "storage_center"]


@admin.register(Right)
class RightAdmin(admin.ModelAdmin):
    list_display = ["__str__", "right_type", "starts_on", "ends_on"]
    list_filter = ["right_type"]
    search_fields = ["certificate_number", "parcels__code"]
    filter_horizontal = ["parcels"]
    inlines = [RightHolderInline]


@admin.register(Encumbrance)
class EncumbranceAdmin(admin.ModelAdmin):
    list_display = ["parcel", "kind", "counterparty", "starts_on", "ends_on", "released_on"]
    list_filter = ["kind"]
    raw_id_fields = ["parcel"]


class ListingDocumentInline(admin.TabularInline):
    model = ListingDocument
    extra = 1


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    """Read-mostly: documents can be added; state and terms change through the services."""

    list_display = ["number", "title", "county", "state", "announcement_ends_at"]
    list_filter = ["state", "county", "right_type"]
    search_fields = ["number", "title"]
    inlines = [ListingDocumentInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def get_queryset(self, request):
        """County staff (and auditors) see their county's listings only (docs/security.md)."""
        qs = super().get_queryset(request)
        if request.user.is_superuser or not policy.is_staff_reader(request.user):
            return qs
        return policy.scope_queryset(qs, request.user)

    def has_add_permission(self, request):
        return False
