from django.urls import path

from qiao.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("notes/<int:note_id>", views.note_detail, name="note"),
    path("login", views.login_view, name="login"),
]
