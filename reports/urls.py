from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("monthly/", views.monthly_report, name="monthly"),
    path("exports/<slug:kind>/", views.export, name="export"),
    path("person-data/", views.person_data, name="person_data"),
]
