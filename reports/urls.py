from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("exports/<slug:kind>/", views.export, name="export"),
]
