from django.urls import path

from . import api

urlpatterns = [
    path("listings/", api.ListingList.as_view(), name="api-listings"),
    path("listings/<int:pk>/", api.ListingDetail.as_view(), name="api-listing"),
]
