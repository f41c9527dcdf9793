from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "hkcq.progress"
    label = "progress"
    verbose_name = _("Progress")

    def ready(self) -> None:
        # Its part of the staff's "my work" page (hkcq.core.mywork).
        from hkcq.core.mywork import WorkProvider
        from hkcq.core.mywork import register as register_work
        from hkcq.progress.selectors import my_work

        register_work(WorkProvider("progress", my_work, order=20))
