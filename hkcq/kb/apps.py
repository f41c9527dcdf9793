from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KbConfig(AppConfig):
    name = "hkcq.kb"
    label = "kb"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        # Knowledge-base answers in the site search: first for questions (hkcq.core.sitesearch).
        # local import: registered in ready(): what it registers uses the models, which exist only once the app registry is ready
        from hkcq.core.sitesearch import Provider, register
        from hkcq.kb.selectors import search_results  # local import: as above

        register(
            Provider(
                "kb", lambda: _("Answers from the knowledge base"), search_results, order=10, answers_questions=True
            )
        )

        # Its part of the staff's "my work" page (hkcq.core.mywork).
        # local import: registered in ready(): what it registers uses the models, which exist only once the app registry is ready
        from hkcq.core.mywork import WorkProvider
        from hkcq.core.mywork import register as register_work  # local import: as above
        from hkcq.kb.selectors import my_work  # local import: as above

        register_work(WorkProvider("kb", my_work, order=50))

        # The routing model's unit profiles follow every change of a unit or an entry.
        # local import: registered in ready(): what it registers uses the models, which exist only once the app registry is ready
        from hkcq.kb.receivers import connect

        connect()
