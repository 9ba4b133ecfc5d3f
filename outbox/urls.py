from django.urls import path

from outbox import views

app_name = "outbox"

urlpatterns = [
    path("failed/", views.dispatch_failed_list, name="failed"),
    path("<int:pk>/retry/", views.dispatch_retry, name="retry"),
]
