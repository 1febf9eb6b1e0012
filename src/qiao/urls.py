from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from qiao.api.main import api
from qiao.ops import views as ops_views
from qiao.ops.media_views import serve_media
from qiao.ops.metrics import metrics_view
from qiao.web.urls import creators_patterns, names_patterns

# A lost database connection outside a view (session save, auth) is a 503, not a 500.
handler500 = "qiao.ops.middleware.server_error"

urlpatterns = [
    path("healthz", ops_views.healthz, name="healthz"),
    path("readyz", ops_views.readyz, name="readyz"),
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("names/", include(names_patterns)),
    path("creator/", include(creators_patterns)),
    path("", include("qiao.web.urls")),
]

if settings.MEDIA_STORAGE == "local":
    # The embedded profile serves media itself, with range requests for video seeking;
    # behind nginx or S3 this is not used.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media)]
