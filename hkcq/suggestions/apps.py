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

        # Published suggestions in the site search (hkcq.core.sitesearch), after the registry.
        # local import: registered in ready(): what it registers uses the models, which exist only once the app registry is ready
        from hkcq.core.sitesearch import Provider, register
        from hkcq.suggestions.selectors import search_results  # local import: as above

        register(Provider("suggestion", lambda: _("Views and suggestions"), search_results, order=60))

        # Its part of the staff's "my work" page (hkcq.core.mywork).
        # local import: registered in ready(): what it registers uses the models, which exist only once the app registry is ready
        from hkcq.core.mywork import WorkProvider
        from hkcq.core.mywork import register as register_work  # local import: as above
        from hkcq.suggestions.selectors import my_work  # local import: as above

        register_work(WorkProvider("suggestions", my_work, order=40))
