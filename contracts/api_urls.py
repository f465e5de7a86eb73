"""Bidding API under /api/v1/ (token auth: POST /api/v1/auth/token/)."""

from django.urls import path

from . import api

urlpatterns = [
    path(
        "listings/<int:listing_id>/registrations/",
        api.ListingRegistrationsView.as_view(),
        name="api-listing-registrations",
    ),
    path("registrations/", api.MyRegistrationsView.as_view(), name="api-my-registrations"),
    path("listings/<int:listing_id>/auction/", api.AuctionView.as_view(), name="api-auction"),
    path("listings/<int:listing_id>/bids/", api.BidsView.as_view(), name="api-bids"),
]
