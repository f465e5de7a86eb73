from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("", views.index, name="index"),
    path("record/", views.record, name="record"),
    path("figures/", views.figures, name="figures"),
    path("figures.xlsx", views.figures_xlsx, name="figures_xlsx"),
    path("household/<int:pk>/", views.household_page, name="household"),
    path("household/<int:pk>/pdf/", views.household_pdf, name="household_pdf"),
    path("my-land/", views.my_household, name="my_household"),
    path("<str:number>/", views.detail, name="request"),
    path("<str:number>/<str:action>/", views.act, name="act"),
]
