"""Self-registration and the staff's approval screen, mounted at /accounts/."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("register/", views.signup, name="signup"),
    path("register/verify/", views.verify, name="verify"),
    path("register/email/<str:token>/", views.verify_email, name="verify_email"),
    path("applications/", views.applications, name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
]
