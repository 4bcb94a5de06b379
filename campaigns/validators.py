"""Bundle id rules per platform.

iOS: Apple's reverse-DNS bundle identifier (letters, digits, hyphens and periods; at least two
segments). Android: a Java package name (at least two segments, each starting with a letter,
letters/digits/underscores only, no Java keyword).
"""

import re

from django.core.exceptions import ValidationError

IOS_BUNDLE_ID = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
ANDROID_SEGMENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
JAVA_KEYWORDS = frozenset(
    [
        "abstract",
        "assert",
        "boolean",
        "break",
        "byte",
        "case",
        "catch",
        "char",
        "class",
        "const",
        "continue",
        "default",
        "do",
        "double",
        "else",
        "enum",
        "extends",
        "final",
        "finally",
        "float",
        "for",
        "goto",
        "if",
        "implements",
        "import",
        "instanceof",
        "int",
        "interface",
        "long",
        "native",
        "new",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "short",
        "static",
        "strictfp",
        "super",
        "switch",
        "synchronized",
        "this",
        "throw",
        "throws",
        "transient",
        "try",
        "void",
        "volatile",
        "while",
        "true",
        "false",
        "null",
    ]
)


def validate_bundle_id(bundle_id: str, platform: str) -> None:
    if platform == "ios":
        if not IOS_BUNDLE_ID.match(bundle_id):
            raise ValidationError(
                "An iOS bundle id is reverse-DNS: letters, digits, hyphens and periods, "
                "at least two segments (e.g. com.example.game).",
                code="invalid_ios_bundle_id",
            )
        return
    segments = bundle_id.split(".")
    if len(segments) < 2 or not all(ANDROID_SEGMENT.match(s) for s in segments):
        raise ValidationError(
            "An Android package name has at least two segments, each starting with a letter "
            "and made of letters, digits and underscores (e.g. com.example.game).",
            code="invalid_android_package",
        )
    keywords = [s for s in segments if s in JAVA_KEYWORDS]
    if keywords:
        raise ValidationError(
            f"An Android package name cannot use the Java keyword '{keywords[0]}' as a segment.",
            code="invalid_android_package",
        )
