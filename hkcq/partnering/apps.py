from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartneringConfig(AppConfig):
    name = "hkcq.partnering"
    label = "partnering"
    verbose_name = _("Partnerships")

    def ready(self) -> None:
        # The partnerships formed, counted under each area on the dashboard, in the plenary report
        # and in open data (hkcq.core.areafigures: progress and reporting sit below this app).
        # local import: the selectors use the models, which exist only once the app registry is ready
        from hkcq.core.areafigures import AreaFigure, register
        from hkcq.partnering.selectors import partnership_counts_by_area  # local import: as above

        register(
            AreaFigure(
                "partnerships",
                lambda: _("Partnerships formed"),
                lambda: _(
                    "Partnerships recorded as outcomes of introductions and of meetings at events "
                    "(every kind but “no deal”), counted under the area each was recorded in."
                ),
                partnership_counts_by_area,
                order=10,
            )
        )
