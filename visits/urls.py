from django.urls import path

from visits import review_views

app_name = "visits"

urlpatterns = [
    # The review of a submitted visit and its verification sheet.
    path("<int:pk>/review/", review_views.visit_review, name="review"),
    path("<int:pk>/review/finish/", review_views.visit_review_finish, name="review_finish"),
    path("findings/<int:pk>/decide/", review_views.finding_decide, name="finding_decide"),
    path("<int:pk>/sheet/", review_views.visit_sheet, name="sheet"),
]
