"""One date format per language on every page, e-mail, PDF and export: "5 December 2026".
Times are on the 24-hour clock ("00:00", never "midnight"). ISO 8601 is for machines only
(``<time datetime>``, the API, CSV columns of dates). Read through ``hkcq.core.dates``."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j F Y"
SHORT_DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1
