from django.urls import path

from qiao.creators import views

app_name = "creators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
