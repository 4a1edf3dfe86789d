from django.contrib import admin
from django.urls import include, path

from fanfold.api.api import api
from fanfold.core import views as core_views

handler403 = "fanfold.core.views.error_403"
handler404 = "fanfold.core.views.error_404"
handler500 = "fanfold.core.views.error_500"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("display/", core_views.display, name="display"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("bench/trivial/<int:size>/", core_views.bench_trivial, name="bench_trivial"),
    path("", include("fanfold.accounts.urls")),
    path("", include("fanfold.imports.urls")),
    path("", include("fanfold.feedback.urls")),
    path("", include("fanfold.bookmarks.urls")),
    path("", include("fanfold.stats.urls")),
    path("", include("fanfold.works.urls")),
    path("", include("fanfold.reading.urls")),
]
