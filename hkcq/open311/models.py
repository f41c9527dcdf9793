"""What the Open311 endpoints keep of their own: the token a POST returns."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(24)


class RequestToken(models.Model):
    """The ``token`` of GeoReport v2: returned by a POST, resolved by ``tokens/{token}`` to the
    request's ``service_request_id``, and (an extension) shown with ``requests/{id}?token=`` to
    read the request as its sender sees it. It is not the secret of the resident's tracking link,
    which a POST returns only as ``tracking_url``: a token handed to another system gives no
    access to the case's conversation. One token per request: a repeated POST gets the same."""

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    service_code = models.CharField(_("service code"), max_length=50)
    service_request_id = models.CharField(_("service request id"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 token")
        constraints = [
            models.UniqueConstraint(fields=["service_code", "service_request_id"], name="open311_token_per_request")
        ]

    def __str__(self) -> str:
        return f"{self.service_code} {self.service_request_id}"
