from django.urls import path

from households import views

app_name = "households"

urlpatterns = [
    path("", views.household_search, name="search"),
    path("new/", views.household_register, name="register"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("regions/picker/", views.region_picker, name="region_picker"),
]
