from django.urls import path

from . import views

app_name = "valuation"

urlpatterns = [
    path("", views.home, name="home"),
    path("benchmarks/add/", views.benchmark_add, name="benchmark_add"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="report_pdf"),
    path("stats/", views.stats, name="stats"),
]
