from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "hkcq.registry"
    label = "registry"
    verbose_name = _("Co-operation registry")

    def ready(self) -> None:
        # The registry's kinds in the site search (hkcq.core.sitesearch), after the knowledge base.
        # local import: registered in ready(): what it registers uses the models, which exist only once the app registry is ready
        from hkcq.core import sitesearch
        from hkcq.registry.selectors import search_provider  # local import: as above

        labels = {
            "area": lambda: _("Areas"),
            "measure": lambda: _("Measures"),
            "meeting": lambda: _("Meetings"),
            "decision": lambda: _("Decisions"),
            "agreement": lambda: _("Agreements"),
            "organisation": lambda: _("Organisations"),
            "person": lambda: _("People"),
            "unit": lambda: _("Responsible units"),
        }
        for position, (kind, label) in enumerate(labels.items()):
            sitesearch.register(search_provider(kind, label, order=20 + position))

        # Its part of the staff's "my work" page (hkcq.core.mywork).
        # local import: registered in ready(): what it registers uses the models, which exist only once the app registry is ready
        from hkcq.core.mywork import WorkProvider
        from hkcq.core.mywork import register as register_work  # local import: as above
        from hkcq.registry.selectors import my_work  # local import: as above

        register_work(WorkProvider("measures", my_work, order=30))
