from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api
from hkcq.core import views as core_views

admin.site.site_header = "HK/CQ Co-operation Platform — administration"


def _admin_only(request):
    # Django admin is for administrators only; the secretariat works through the pages.
    return bool(request.user.is_active and getattr(request.user, "is_administrator", False))


admin.site.has_permission = _admin_only  # type: ignore[method-assign]

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("open311/v2/", include("hkcq.open311.urls")),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("search/", core_views.search, name="search"),
    path("my-work/", core_views.my_work, name="my_work"),
    path("privacy/", core_views.info_page, {"slug": "privacy"}, name="privacy"),
    path("accessibility/", core_views.info_page, {"slug": "accessibility"}, name="accessibility"),
    path("contact/", core_views.info_page, {"slug": "contact"}, name="contact"),
    path("notices/", core_views.info_page, {"slug": "notices"}, name="notices"),
    path("account/", include("hkcq.accounts.urls")),
    path("notifications/", include("hkcq.notifications.urls")),
    path("progress/", include("hkcq.progress.urls")),
    path("help/", include("hkcq.kb.urls")),
    # Enquiry statistics moved from the calendars app to enquiries: old links still arrive.
    path(
        "calendars/statistics/",
        RedirectView.as_view(pattern_name="enquiries:statistics", query_string=True, permanent=True),
    ),
    path(
        "calendars/statistics/full/",
        RedirectView.as_view(pattern_name="enquiries:statistics_full", query_string=True, permanent=True),
    ),
    path("calendars/", include("hkcq.calendars.urls")),
    # the enquiries' service levels and unit supervisors, at the addresses they always had
    path("calendars/", include("hkcq.enquiries.service_level_urls")),
    path("enquiries/", include("hkcq.enquiries.urls")),
    path("suggestions/", include("hkcq.suggestions.urls")),
    path("partnering/", include("hkcq.partnering.urls")),
    path("open311/", include("hkcq.open311.page_urls")),
    path("", include("hkcq.exchanges.urls")),  # events/ and rounds/
    # reporting mounts its own top-level paths: reports/, import/, open-data/
    path("", include("hkcq.reporting.urls")),
    path("", include("hkcq.registry.urls")),
    prefix_default_language=True,
)

handler404 = "hkcq.core.views.not_found"
handler400 = "hkcq.core.views.bad_request"
handler403 = "hkcq.core.views.forbidden"
handler500 = "hkcq.core.views.server_error"
