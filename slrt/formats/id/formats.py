"""Dates and times written the Indonesian way: "1 Desember 2026", "01-12-2026", "22.57".

Django's own Indonesian formats abbreviate the month ("1 Des 2026") and read two-digit years
and the American month/day order in forms ("17-08-45" as 2045, "03/04/2026" either way):
here forms take DD-MM-YYYY (or DD/MM/YYYY) and the ISO date the API and browsers send.
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H.i T"  # T: WIB, WITA, WIT
TIME_FORMAT = "H.i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H.i T"
FIRST_DAY_OF_WEEK = 1  # Monday

DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"]
TIME_INPUT_FORMATS = ["%H.%M", "%H:%M", "%H.%M.%S", "%H:%M:%S"]
DATETIME_INPUT_FORMATS = ["%d-%m-%Y %H.%M", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
