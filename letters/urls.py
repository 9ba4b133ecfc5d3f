from django.urls import path

from letters import views

app_name = "letters"

urlpatterns = [
    path("", views.letter_list, name="list"),
    path("new/", views.letter_create, name="create"),
    path("<int:pk>/", views.letter_detail, name="detail"),
    path("<int:pk>/issue/", views.letter_issue, name="issue"),
    path("<int:pk>/revoke/", views.letter_revoke, name="revoke"),
    path("<int:pk>/discard/", views.letter_discard, name="discard"),
    path("<int:pk>/print/", views.letter_print, name="print"),
    path("batches/", views.letter_batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.letter_batch_detail, name="batch_detail"),
    path("batches/<int:pk>/run-again/", views.letter_batch_run_again, name="batch_run_again"),
    path("batches/<int:pk>/print/", views.letter_batch_print, name="batch_print"),
]
