from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("access-log/", views.access_log, name="access_log"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
