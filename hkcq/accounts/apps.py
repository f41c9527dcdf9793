from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "hkcq.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # local import: services use the models, which exist only once the app registry is ready
        from hkcq.accounts.services import api_token_authenticate
        from hkcq.core import idempotency  # local import: as above

        # A submission sent with a bearer token is that account's (core knows no accounts).
        idempotency.token_user = api_token_authenticate

        from django.contrib.auth.signals import user_logged_in  # local import: as above

        from hkcq.accounts.services import user_language_from_sign_in  # local import: as above

        def _language_from_sign_in(sender: object, request: object, user: object, **kwargs: object) -> None:
            language = getattr(request, "LANGUAGE_CODE", None)
            user_language_from_sign_in(user=user, language=language)  # type: ignore[arg-type]

        user_logged_in.connect(_language_from_sign_in, weak=False, dispatch_uid="accounts.language_from_sign_in")
