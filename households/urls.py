from django.urls import path

from households import views

app_name = "households"

urlpatterns = [
    path("", views.household_search, name="search"),
    path("new/", views.household_register, name="register"),
    path("<int:pk>/", views.household_detail, name="detail"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path(
        "duplicates/<int:first_id>/<int:second_id>/",
        views.duplicate_review,
        name="duplicate_review",
    ),
    path("imports/", views.registry_import_list, name="imports"),
    path("imports/<int:pk>/", views.registry_import_detail, name="import_detail"),
    path("imports/<int:pk>/errors/", views.registry_import_errors, name="import_errors"),
    path("imports/<int:pk>/run-again/", views.registry_import_run_again, name="import_run_again"),
]
