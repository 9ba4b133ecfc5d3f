from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("screening/", views.screening_list, name="screening"),
    path("screening/<int:pk>/", views.screening_detail, name="screening_detail"),
    path("screening/<int:pk>/csv/", views.screening_download, name="screening_download"),
    path("screening/<int:pk>/run-again/", views.screening_run_again, name="screening_run_again"),
]
