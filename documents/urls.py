from django.urls import path

from documents import views

app_name = "documents"
urlpatterns = [
    path("<str:owner_type>/<int:pk>/upload/", views.document_upload, name="upload"),
    path("<int:pk>/", views.document_download, name="download"),
    path("<int:pk>/thumbnail/", views.document_thumbnail, name="thumbnail"),
]
