from django.urls import path

from qiao.names import views

app_name = "names"
urlpatterns = [
    path("", views.page, name="page"),
    path("adopt", views.adopt, name="adopt"),
]
