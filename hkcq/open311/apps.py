from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "hkcq.open311"
    label = "open311"
    verbose_name = _("Open311")
    # The services offered through Open311 live with their domains and register themselves
    # (hkcq.open311.registry.register) in their own AppConfig.ready: enquiries, suggestions.
