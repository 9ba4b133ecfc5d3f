"""The API's JSON parser: a body it cannot read is a 400 with a message in the caller's
language, never a server error.

DRF's own parser lets a `RecursionError` through (a body of 100,000 nested brackets is a 500,
on the token endpoint too, before anyone signs in) and answers the rest with Python's English
error text ("JSON parse error - 'utf-8' codec can't decode byte 0xff …").
"""

import codecs
import json

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = parsers.get_encoding(parser_context or {})

        def refuse(constant):  # NaN, Infinity: PostgreSQL's JSON has none
            raise ParseError(_("%(value)s is not a number JSON allows.") % {"value": constant})

        try:
            return json.load(codecs.getreader(encoding)(stream), parse_constant=refuse)
        except json.JSONDecodeError as error:
            raise ParseError(
                _("This is not valid JSON (line %(line)s, column %(column)s).")
                % {"line": error.lineno, "column": error.colno}
            ) from error
        except UnicodeDecodeError as error:
            raise ParseError(_("The request body is not UTF-8 text.")) from error
        except RecursionError as error:
            raise ParseError(_("The request body is nested too deeply.")) from error
        except ValueError as error:  # an integer of more than 4,300 digits
            raise ParseError(_("This JSON is too large or too deeply nested.")) from error
