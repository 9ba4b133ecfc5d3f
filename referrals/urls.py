from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/<int:complaint_pk>/", views.referral_create, name="create"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/transition/", views.referral_transition, name="transition"),
    path("decisions/", views.referral_decisions, name="decisions"),
    path("<int:pk>/decide/", views.referral_decide, name="decide"),
    path("<int:pk>/reactivation/", views.referral_reactivation, name="reactivation"),
    path("<int:pk>/confirm/<str:move>/", views.referral_confirm, name="confirm"),
    path("<int:pk>/letter/", views.referral_letter, name="letter"),
    path("<int:pk>/request-document/", views.referral_request_document, name="request_document"),
]
