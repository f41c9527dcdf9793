from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "hkcq.progress"
    label = "progress"
    verbose_name = _("Progress")

    def ready(self) -> None:
        # Its part of the staff's "my work" page (hkcq.core.mywork).
        # local import: registered in ready(): what it registers uses the models, which exist only once the app registry is ready
        from hkcq.core.mywork import WorkProvider
        from hkcq.core.mywork import register as register_work  # local import: as above
        from hkcq.progress.selectors import my_work  # local import: as above

        register_work(WorkProvider("progress", my_work, order=20))
