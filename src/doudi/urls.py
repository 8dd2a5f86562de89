from django.contrib import admin
from django.urls import include, path, re_path

from doudi.api.views import not_found as api_not_found

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("doudi.api.urls")),
    # Any other /api/ path (even one with a newline): a JSON 404 like the rest of the API, not the HTML page.
    re_path(r"^api/", api_not_found),
    path("", include("doudi.web.urls")),
]
