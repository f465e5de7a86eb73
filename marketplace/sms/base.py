"""The SMS provider interface (shaped like the payment gateway: one class per provider, chosen
by a setting, errors raised as `SmsError`).

Text rules every provider shares: a Chinese message is UCS-2, 70 characters in one segment; a
longer one is sent as concatenated parts of 67 characters each (3 go to the part header).
`sms_text` masks anything that looks like a resident ID number (15 or 18 digits, or a long
digit run such as a bank account): an SMS never carries one.
"""

import re
from dataclasses import dataclass

SEGMENT = 70
PART = 67

# 15+ digits (an ID number is 18 with a final X possible, bank accounts 12-30): keep the last 4.
LONG_NUMBER = re.compile(r"\d{14,}[\dXx]")


class SmsError(Exception):
    """The provider did not take the message (network, rejected number, quota)."""


@dataclass(frozen=True)
class SmsResult:
    provider_id: str
    segments: int


def sms_text(text: str) -> str:
    """The text as it may be sent: ID-number-like digit runs masked (尾号1234)."""
    return LONG_NUMBER.sub(lambda m: "尾号" + m.group(0)[-4:], str(text)).strip()


def sms_parts(text: str) -> list[str]:
    """The segments the phone receives: one of up to 70 characters, else parts of 67."""
    if len(text) <= SEGMENT:
        return [text]
    return [text[i : i + PART] for i in range(0, len(text), PART)]


def sms_segments(text: str) -> int:
    return len(sms_parts(text))


class SmsProvider:
    """send(phone, text) -> SmsResult, or raises SmsError."""

    def send(self, *, phone: str, text: str) -> SmsResult:  # pragma: no cover - interface
        raise NotImplementedError
