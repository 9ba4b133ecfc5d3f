from django.urls import path

from visits import views

app_name = "visits"

urlpatterns = [
    path("", views.visit_queue, name="queue"),
    path("new/<int:household_pk>/", views.visit_request, name="request"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("<int:pk>/assign/", views.visit_assign, name="assign"),
    path("<int:pk>/cancel/", views.visit_cancel, name="cancel"),
    path("<int:pk>/submit/", views.visit_submit, name="submit"),
]
