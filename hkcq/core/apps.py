from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hkcq.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from hkcq.core import pagecache  # local import: the app registry must be ready

        pagecache.install()
