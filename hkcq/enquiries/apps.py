from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnquiriesConfig(AppConfig):
    name = "hkcq.enquiries"
    label = "enquiries"
    verbose_name = _("Enquiries")

    def ready(self) -> None:
        # local import: the adapter uses the models, which exist only once the app registry is ready
        from hkcq.enquiries.open311_service import register_service

        register_service()

        # Its part of the staff's "my work" page (hkcq.core.mywork).
        # local import: registered in ready(): what it registers uses the models, which exist only once the app registry is ready
        from hkcq.core.mywork import WorkProvider
        from hkcq.core.mywork import register as register_work  # local import: as above
        from hkcq.enquiries.selectors import my_work  # local import: as above

        register_work(WorkProvider("enquiries", my_work, order=10))
