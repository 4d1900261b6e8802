"""The contact guard: finds phone numbers, e-mail addresses, LINE IDs and chat handles in text
(detector), certain ones to refuse and uncertain ones to hold, and refuses the certain ones in forms (validators)."""
from .detector import KINDS, Finding, certain_findings, find_contact_info, uncertain_findings
from .holding import marked_spans, should_hold
from .validators import NoContactInfo

__all__ = ["KINDS", "Finding", "NoContactInfo", "certain_findings", "find_contact_info", "marked_spans", "should_hold",
           "uncertain_findings"]
