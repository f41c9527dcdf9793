from django.apps import AppConfig


class DefaultsConfig(AppConfig):
    name = "hkcq.defaults"
    label = "defaults"
    verbose_name = "Default data"
