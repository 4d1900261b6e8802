"""The contact guard: finds phone numbers, e-mail addresses, LINE IDs and chat handles in text
(detector) and refuses them in forms (validators)."""
from .detector import KINDS, Finding, find_contact_info
from .validators import NoContactInfo

__all__ = ["KINDS", "Finding", "NoContactInfo", "find_contact_info"]
