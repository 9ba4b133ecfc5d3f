from django.urls import path

from visits import review_views, views

app_name = "visits"

urlpatterns = [
    path("", views.visit_queue, name="queue"),
    path("new/<int:household_pk>/", views.visit_request, name="request"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("<int:pk>/assign/", views.visit_assign, name="assign"),
    path("<int:pk>/cancel/", views.visit_cancel, name="cancel"),
    path("<int:pk>/submit/", views.visit_submit, name="submit"),
    # The review of a submitted visit and its verification sheet.
    path("<int:pk>/review/", review_views.visit_review, name="review"),
    path("<int:pk>/review/finish/", review_views.visit_review_finish, name="review_finish"),
    path("findings/<int:pk>/decide/", review_views.finding_decide, name="finding_decide"),
    path("<int:pk>/sheet/", review_views.visit_sheet, name="sheet"),
]
