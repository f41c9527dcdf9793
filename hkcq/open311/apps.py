from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "hkcq.open311"
    label = "open311"
    verbose_name = _("Open311")

    def ready(self) -> None:
        # Each service offered through Open311 is one register() call (hkcq.open311.registry).
        from hkcq.open311.enquiry_service import register_service

        register_service()
