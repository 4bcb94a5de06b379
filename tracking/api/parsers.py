from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer


class IngestJSONParser(JSONParser):
    """DRF's strict JSON parser (no NaN/Infinity), also refusing nesting too deep for Python."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - the document is nested too deeply.") from exc


class IngestJSONRenderer(JSONRenderer):
    # ASCII-only output: an error message quoting a client's lone surrogate (invalid in UTF-8)
    # is then escaped rather than failing to encode.
    ensure_ascii = True
