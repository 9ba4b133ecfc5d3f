from django.urls import path

from households import lifecycle_views, views

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
    # people and households that change
    path("<int:pk>/death/", lifecycle_views.record_death, name="record_death"),
    path("<int:pk>/move-out/", lifecycle_views.record_move_out, name="record_move_out"),
    path("<int:pk>/split/", lifecycle_views.household_split, name="split"),
    path("<int:pk>/merge/", lifecycle_views.household_merge, name="merge"),
    path("<int:pk>/dissolve/", lifecycle_views.household_dissolve, name="dissolve"),
    path("<int:pk>/transfer-in/", lifecycle_views.transfer_request, name="transfer_request"),
    path("transfers/", lifecycle_views.transfer_queue, name="transfers"),
]
