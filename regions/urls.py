from django.urls import path

from regions import views

app_name = "regions"

urlpatterns = [
    path("picker/", views.region_picker, name="region_picker"),
]
