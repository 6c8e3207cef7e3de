"""User text as the PDF and Word documents need it: which way it reads, and without the
control characters neither can hold."""

import re
import unicodedata

# C0 controls but tab and line feed, DEL, lone surrogates, and the two non-characters
# that XML refuses.
UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """The text, its line breaks as "\\n", without characters no document can hold."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return UNPRINTABLE.sub("", text).strip()


def is_rtl(text: str) -> bool:
    """True when the first letter with a strong direction is right-to-left (Hebrew,
    Arabic...): the rule browsers apply to dir="auto"."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False
