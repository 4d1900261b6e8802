"""All models, re-exported so callers write `from forum.models import Question`."""
from . import counters  # noqa: F401  (registers the answer / helpful count listener)
from .base import UTCDateTime, utcnow
from .engagement import (
    COMMENT_MAX,
    NOTIFICATION_KINDS,
    REVISION_TARGETS,
    Comment,
    Follow,
    Notification,
    Revision,
    Supplement,
)
from .faq import FAQ_CATEGORIES, FaqEntry
from .mail import DELIVERIES, DigestItem, MailPreference, OutboxMail, Subscription
from .moderation import (
    CONTACT_KINDS,
    REPORT_REASONS,
    REPORT_TARGETS,
    AuditLog,
    ContactMessage,
    Report,
)
from .question import (
    ASKER_TYPES,
    CATEGORIES,
    CLOSE_REASONS,
    STATUSES,
    Answer,
    HelpfulMark,
    Question,
    Tag,
    question_tags,
)
from .search import RelatedList, SearchDocument
from .site import ContentVersion
from .synonym import SYNONYM_MAX, Synonym
from .user import ROLES, User

__all__ = [
    "COMMENT_MAX", "NOTIFICATION_KINDS", "REVISION_TARGETS", "Comment", "Follow", "Notification", "Revision",
    "Supplement",
    "DELIVERIES", "DigestItem", "MailPreference", "OutboxMail", "Subscription",
    "ASKER_TYPES", "CATEGORIES", "FAQ_CATEGORIES", "FaqEntry", "CLOSE_REASONS", "CONTACT_KINDS", "REPORT_REASONS",
    "REPORT_TARGETS", "ROLES", "STATUSES", "Answer", "AuditLog", "ContactMessage", "ContentVersion",
    "HelpfulMark", "Question", "RelatedList", "Report", "SearchDocument", "SYNONYM_MAX", "Synonym", "Tag", "User",
    "UTCDateTime",
    "question_tags", "utcnow",
]
