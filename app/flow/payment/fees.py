"""What an item costs (统一支付): its fee items in fen, from the catalogue, never from the
browser."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.domain.service_item import ServiceItem


@dataclass(frozen=True)
class FeeLine:
    name: str
    amount: int  # fen


def to_fen(amount: Decimal) -> int:
    """Yuan to whole fen; a fraction of a fen or a negative amount is an error."""
    fen = Decimal(amount) * 100
    if fen != fen.to_integral_value() or fen < 0:
        raise ValueError(f"amount {amount} is not a whole number of fen")
    return int(fen)


def fees_of(item: ServiceItem) -> list[FeeLine]:
    """The fee items of a catalogue item, in fen (empty if it charges nothing)."""
    if not item.fee_required:
        return []
    return [FeeLine(f.name, to_fen(f.amount)) for f in item.fees if to_fen(f.amount) > 0]


def total(lines: list[FeeLine]) -> int:
    return sum(line.amount for line in lines)


def payable_online(item: ServiceItem) -> bool:
    """The item charges fees and the catalogue says they can be paid online."""
    return item.online_payment and total(fees_of(item)) > 0
