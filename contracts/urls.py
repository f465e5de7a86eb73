from django.urls import path

from . import views

app_name = "contracts"

urlpatterns = [
    path("listings/<int:listing_id>/register/", views.register, name="register"),
    path("my/registrations/", views.my_registrations, name="my_registrations"),
    path("my/auctions/", views.my_auctions, name="my_auctions"),
    path("auctions/<int:listing_id>/", views.auction_room, name="auction_room"),
    path("<int:pk>/negotiation/", views.negotiation, name="negotiation"),
    path("<int:pk>/priority/", views.priority_claim, name="priority_claim"),
    path("<int:pk>/objection/", views.objection_create, name="objection_create"),
    path("staff/", views.deal_list, name="deal_list"),
    path("staff/<int:pk>/", views.deal_detail, name="deal_detail"),
    path("staff/<int:pk>/<slug:action>/", views.deal_action, name="deal_action"),
    path("staff/mode-selection/", views.mode_selection, name="mode_selection"),
    path("staff/reviews/", views.review_queue, name="review_queue"),
]
