from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "hkcq.suggestions"
    label = "suggestions"
    verbose_name = _("Views and suggestions")

    def ready(self) -> None:
        # Suggestions are offered through Open311 as service "suggestion" (hkcq.open311.registry).
        # local import: the adapter uses the models, which exist only once the app registry is ready
        from hkcq.suggestions.open311_service import register_service

        register_service()
