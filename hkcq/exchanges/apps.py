from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "hkcq.exchanges"
    label = "exchanges"
    verbose_name = _("Events and exchanges")

    def ready(self) -> None:
        # The exchange pairs and placements formed, counted under each area on the dashboard, in
        # the plenary report and in open data (hkcq.core.areafigures). Partnerships formed at
        # events' meetings are partnering outcomes and count in its "partnerships" figure.
        # local import: the selectors use the models, which exist only once the app registry is ready
        from hkcq.core.areafigures import AreaFigure, register
        from hkcq.exchanges.selectors import record_counts_by_area  # local import: as above

        register(
            AreaFigure(
                "exchange_records",
                lambda: _("Exchange pairs and placements"),
                lambda: _(
                    "Sister-school pairs, internships and exchange placements formed through "
                    "allocation rounds, counted under the round's area."
                ),
                record_counts_by_area,
                order=20,
            )
        )
