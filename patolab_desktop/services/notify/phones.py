"""WhatsApp numbers: a Honduran (or international) mobile number in E.164."""

from __future__ import annotations

import phonenumbers


def whatsapp_number(phone: str | None, region: str = "HN") -> str | None:
    """``+50499998888`` for a valid mobile number, ``None`` for a landline (in Honduras
    they start with 2: WhatsApp would answer 131026), an invalid or an empty one."""
    text = (phone or "").strip()
    if not text:
        return None
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    kind = phonenumbers.number_type(parsed)
    if kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
