"""API plumbing shared by every router: the one error shape (``ErrorOut``, ``ERRORS`` for an
operation's documented error answers), file answers in the document (``file_answer``) and the
text schemas. Authentication (``STAFF_AUTH``) is
``hkcq.accounts.api_auth``: it needs the accounts' tokens, and core imports no app."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import IntegerField, QuerySet
from ninja import Schema
from ninja.files import UploadedFile
from pydantic import BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, WithJsonSchema

from hkcq.core.pagination import count_estimate
from hkcq.core.translated import EN, HANS, HANT, TranslatedField, TText

# A required text: at least one character that is not white space. The document says so
# (``minLength: 1`` and a ``pattern``); the service refuses "" and "  " with 422 in the one error
# shape, with its own translated message on the field (a schema check would answer in English
# with pydantic's words). The schemathesis run (core/tests/test_schemathesis.py) holds the two
# together: what the document refuses must be refused.
Required = Annotated[str, Field(json_schema_extra={"minLength": 1, "pattern": r"[^\s\x1c-\x1f]"})]

# A stable id (a ``SlugField`` of 100 characters: ``ext_id``, a knowledge entry's slug): letters,
# digits, ``-`` and ``_``, as Django's slug validator checks it.
Slug = Annotated[str, Field(json_schema_extra={"minLength": 1, "maxLength": 100, "pattern": r"^[-a-zA-Z0-9_]+$"})]

# An e-mail address as the services check it (``format: email`` in the document).
Email = Annotated[str, Field(json_schema_extra={"format": "email", "minLength": 3})]

# The platform's languages (settings.LANGUAGES).
Language = Literal["en", "zh-hant", "zh-hans"]

# JSON bodies take what the document says and nothing pydantic would coerce into it: ``true`` and
# ``false`` for a boolean (not ``0`` or ``"yes"``), a whole number for an integer (not ``false``
# or ``"3"``). (Form fields and query parameters are strings and keep pydantic's parsing.)
Flag = StrictBool

# A JSON number with a zero fraction (``1174.0``) is an integer, as JSON Schema counts it: the
# API's parser reads it as one (``config.api.StrictParser``); ``1174.5`` is still refused.
Whole = StrictInt

# A row's id (a primary key): a whole number the databases can hold (SQLite and PostgreSQL's
# bigint stop at 2**63 - 1; a larger one raised inside the database driver: a 500).
RowId = Annotated[StrictInt, Field(ge=1, le=2**63 - 1)]

# A consent that must be given: the document says only ``true`` is valid; the service refuses
# ``false`` with its own translated message (as with ``Required``).
Agreed = Annotated[StrictBool, Field(json_schema_extra={"enum": [True]})]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("Enter a date as YYYY-MM-DD.")


# A date written as ``YYYY-MM-DD`` (``format: date``): pydantic alone would also take ``0`` or
# ``"0"`` as 1 January 1970.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def _decimal_text(pattern: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if isinstance(value, str) and re.fullmatch(pattern, value):
            return value
        raise ValueError('Enter the number as a string such as "1.5", within the range allowed.')

    return check


def decimal_text(pattern: str, description: str) -> Any:
    """A decimal written as a JSON string matching ``pattern`` (which states the digits and the
    range: JSON Schema has no minimum for a string, and a JSON number would be read as a binary
    float, so ``0.57`` could not be kept exactly). The document and the service take exactly the
    same strings; the value is a ``Decimal``."""
    return Annotated[
        Decimal,
        BeforeValidator(_decimal_text(pattern)),
        WithJsonSchema({"type": "string", "pattern": f"^(?:{pattern})$", "description": description}),
    ]


# Working days (a service level): 0.25 to 365, at most two decimals ("0.25", "1", "1.5", "365.00").
DAYS_PATTERN = (
    r"0\.(?:2[5-9]|[3-9][0-9]?)|[1-9][0-9]?(?:\.[0-9]{1,2})?|[12][0-9]{2}(?:\.[0-9]{1,2})?"
    r"|3[0-5][0-9](?:\.[0-9]{1,2})?|36[0-4](?:\.[0-9]{1,2})?|365(?:\.00?)?"
)
Days = decimal_text(DAYS_PATTERN, 'Working days, 0.25 to 365, at most two decimals, as a string: "1.5".')

# A weight in a roll-up: 0 to 9999.99, at most two decimals ("0", "2.5").
WEIGHT_PATTERN = r"(?:0|[1-9][0-9]{0,3})(?:\.[0-9]{1,2})?"
Weight = decimal_text(WEIGHT_PATTERN, '0 to 9999.99, at most two decimals, as a string: "2.5".')


_LOCAL_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?"


def _local_time(value: Any) -> Any:
    if isinstance(value, dt.time) or (isinstance(value, str) and re.fullmatch(_LOCAL_TIME, value)):
        return value
    raise ValueError("Enter a time of day as HH:MM.")


# A time of day on the platform's clock (Hong Kong), ``HH:MM`` or ``HH:MM:SS`` without an offset:
# JSON Schema's ``format: time`` is RFC 3339's, which needs one, and a time with an offset cannot
# be stored (Django keeps times of day naive). In and out alike.
LocalTime = Annotated[
    dt.time,
    BeforeValidator(_local_time),
    WithJsonSchema({"type": "string", "pattern": f"^{_LOCAL_TIME}$", "description": "A time of day, HH:MM"}),
]


def choice(values: Iterable[str], **extra: Any) -> Any:
    """A string field whose valid values the document lists (``enum``); the service checks them
    with its own translated message. ``Field(**extra)`` otherwise."""
    return Field(json_schema_extra={"enum": list(values)}, **extra)


def _not_null(schema: dict[str, Any]) -> None:
    options = [s for s in schema.pop("anyOf", []) if s.get("type") != "null"]
    if len(options) == 1:
        schema.update(options[0])
    elif options:
        schema["anyOf"] = options
    if schema.get("default", 0) is None:
        del schema["default"]


def _bounds(prop: dict[str, Any], field: IntegerField[Any, Any]) -> None:
    """An integer column's range (a positive column's 0, the column type's limits) as the
    document's ``minimum`` and ``maximum``, unless the schema states narrower ones."""
    target = next((o for o in prop.get("anyOf", []) if o.get("type") == "integer"), prop)
    if target.get("type") != "integer":
        return
    for validator in field.validators:
        if isinstance(validator, MinValueValidator) and "minimum" not in target:
            target["minimum"] = validator.limit_value
        elif isinstance(validator, MaxValueValidator) and "maximum" not in target:
            target["maximum"] = validator.limit_value


def columns(
    model: Any, *, nullable: Iterable[str] = (), not_null: Iterable[str] = ()
) -> Callable[[dict[str, Any]], None]:
    """``json_schema_extra`` for an input schema whose fields are ``model``'s columns of the same
    names: the document then says what the table holds. A column that cannot be NULL loses
    ``null`` from its field's type (leaving the field out is still fine: a PATCH keeps the value;
    ``null`` is refused by ``core.services.fields_apply``) unless the API takes ``null`` for it
    (``nullable``: it empties the text); a column with choices lists them (``enum``; the service
    or the model's validation refuses others); an integer column states its range; a translated text that cannot be blank is a
    ``TextRequired`` (given in at least one language; the model's validation refuses a blank).
    ``not_null``: columns that can hold NULL (rows from before a rule) but for which the service
    refuses ``null`` (a round's co-operation area)."""
    keep = set(nullable)
    refuse = set(not_null)

    def extra(schema: dict[str, Any]) -> None:
        for name, prop in schema.get("properties", {}).items():
            try:
                field = model._meta.get_field(name)
            except Exception:  # noqa: BLE001 - a field of the schema only (``id`` is ``ext_id``)
                continue
            if field.many_to_many:
                continue
            if (not getattr(field, "null", True) and name not in keep) or name in refuse:
                _not_null(prop)
            if isinstance(field, TranslatedField) and not field.blank:
                for option in [o for o in prop.get("anyOf", [prop]) if "TextIn" in o.get("$ref", "")]:
                    option["allOf"] = [{"$ref": option.pop("$ref")}, {"anyOf": copy.deepcopy(_ONE_LANGUAGE)}]
            if isinstance(field, IntegerField):
                _bounds(prop, field)
            choices = getattr(field, "choices", None)
            if choices and "$ref" not in prop:
                values = [value for value, _label in choices]
                target = next((o for o in prop.get("anyOf", []) if o.get("type") == "string"), prop)
                target["enum"] = values

    return extra


def required_in_document(*names: str) -> Callable[[dict[str, Any]], None]:
    """``json_schema_extra`` listing ``names`` as required: the schema keeps a default so that the
    service, not pydantic, refuses a missing value, with its own translated message."""

    def extra(schema: dict[str, Any]) -> None:
        required = schema.setdefault("required", [])
        for name in names:
            schema.get("properties", {}).get(name, {}).pop("default", None)
            if name not in required:
                required.append(name)

    return extra


# Multipart form fields (and files) that may be left out: ``language: FormLanguage = Form(None)``.
# A form field has no ``null`` (it is sent or not), so the document does not offer one.
FormLanguage = Annotated[Language | None, WithJsonSchema({"type": "string", "enum": ["en", "zh-hant", "zh-hans"]})]
FormText = Annotated[str | None, WithJsonSchema({"type": "string"})]
FormFile = Annotated[UploadedFile | None, WithJsonSchema({"type": "string", "format": "binary"})]


def omittable(**extra: Any) -> Any:
    """A field that may be left out (a PATCH leaves it as it is) but not sent as ``null``: the
    column cannot be empty. The document says so (no ``null`` in its type); the service refuses
    ``null`` with 422 (``core.services.fields_apply``)."""
    return Field(None, json_schema_extra=_not_null, **extra)


class ErrorDetail(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorDetail


# The error answers a write (or a signed-in read) documents: ``response={200: X, **ERRORS}``.
ERRORS: dict[int, type[Schema]] = {code: ErrorOut for code in (400, 401, 403, 404, 409, 422, 429)}


# A file's bytes in the document: a string of any content.
BINARY: dict[str, Any] = {"type": "string", "format": "binary"}


def file_answer(
    description: str, *media_types: str, schemas: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """``openapi_extra`` for an operation that answers 200 with a file rather than JSON
    (``response={200: bytes, …}``): the answer's ``description`` and its media types, each a
    binary string (a ``; charset=…`` parameter is dropped: the document names the type alone).
    ``schemas`` gives a media type another schema (an alternative JSON answer, CSV text)."""
    content: dict[str, Any] = {t.split(";")[0].strip(): {"schema": dict(BINARY)} for t in media_types}
    content.update({t: {"schema": dict(schema)} for t, schema in (schemas or {}).items()})
    return {"responses": {200: {"description": description, "content": content}}}


class TextOut(Schema):
    """One user-visible text in three languages, with how each variant came to be
    (``human``, ``machine`` or ``converted``)."""

    en: str = ""
    zh_hant: str = ""
    zh_hans: str = ""
    origin: dict[str, str] = {}

    @staticmethod
    def of(value: Any) -> dict[str, Any]:
        t = TText.from_json(value)
        return {
            "en": t.get(EN),
            "zh_hant": t.get(HANT),
            "zh_hans": t.get(HANS),
            "origin": {k.replace("-", "_"): v for k, v in t.origins.items()},
        }


class TextIn(Schema):
    """Give at least one language; a missing Chinese script is derived with OpenCC."""

    en: str = ""
    zh_hant: str = ""
    zh_hans: str = ""

    def as_texts(self) -> dict[str, str]:
        return {EN: self.en, HANT: self.zh_hant, HANS: self.zh_hans}


_NOT_BLANK: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": r"[^\s\x1c-\x1f]"}


_ONE_LANGUAGE = [{"required": [lang], "properties": {lang: _NOT_BLANK}} for lang in ("en", "zh_hant", "zh_hans")]


def _one_language(schema: dict[str, Any]) -> None:
    schema["anyOf"] = _ONE_LANGUAGE


def form_text_required(*names: str) -> dict[str, Any]:
    """``openapi_extra`` of a multipart operation whose text is given as one form field per
    language (``title_en`` …) and needed in at least one: the document says so, as
    ``TextRequired`` does for JSON."""
    branches = [{"required": [name], "properties": {name: _NOT_BLANK}} for name in names]
    return {"requestBody": {"content": {"multipart/form-data": {"schema": {"anyOf": branches}}}}}


class TextRequired(TextIn):
    """A text that must be given in at least one language: the document says so (``anyOf`` one
    language not blank); the service refuses it with its own translated message."""

    model_config = ConfigDict(json_schema_extra=_one_language)


class Mapped:
    """A queryset whose rows are turned into API output only once a page is taken.

    Return ``Mapped(queryset, fn)`` from a view under ninja's ``@paginate``: the paginator slices
    it (``LIMIT``/``OFFSET`` in SQL) and counts it, and ``fn`` runs on the page's rows alone. A list
    comprehension over the whole queryset would fetch and map every row to show twenty.
    ``count`` replaces the exact ``COUNT(*)`` where one is too dear (an estimate or a cached figure).
    ``Mapped.pages(queryset, fn)`` gives ``fn`` the page's rows together, for output that reads
    rows related to each in one query for the page (a report's generated files).
    """

    def __init__(self, queryset: QuerySet[Any], fn: Callable[[Any], Any], *, count: Callable[[], int] | None = None):
        self.queryset = queryset
        self.fn = fn
        self._count = count
        self._page: Callable[[list[Any]], list[Any]] | None = None

    @classmethod
    def pages(cls, queryset: QuerySet[Any], fn: Callable[[list[Any]], list[Any]]) -> Mapped:
        mapped = cls(queryset, lambda row: fn([row])[0])
        mapped._page = fn
        return mapped

    def all(self) -> Mapped:  # ninja counts with ``queryset.all().count()``
        return self

    def count(self) -> int:
        return self._count() if self._count is not None else self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Any]:
        if not isinstance(key, slice):
            raise TypeError("Mapped pages are taken by slice")
        rows = self.queryset[key]
        return self._page(list(rows)) if self._page is not None else [self.fn(row) for row in rows]


def estimated_count(queryset: QuerySet[Any]) -> int:
    """The number of rows: exact while small, else the planner's estimate
    (``core.pagination.count_estimate``, which also says which it is)."""
    return count_estimate(queryset).value
