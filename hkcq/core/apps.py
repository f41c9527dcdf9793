from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hkcq.core"
    label = "core"
    verbose_name = "Core"
