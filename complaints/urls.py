from django.urls import path

from complaints import survey_views, views

app_name = "complaints"

urlpatterns = [
    path("", views.complaint_queue, name="queue"),
    path("new/<int:household_pk>/", views.complaint_create, name="create"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/receipt/", views.complaint_receipt, name="receipt"),
    path("<int:pk>/close/", views.complaint_close, name="close"),
    path("<int:pk>/assign/", views.complaint_assign, name="assign"),
    path("<int:pk>/assess/", views.complaint_assess, name="assess"),
    path("<int:pk>/consent/", views.complaint_consent, name="consent"),
    path("<int:pk>/survey/", survey_views.complaint_survey, name="survey"),
]
