"""Mail below the features: what kinds of events mail whom and how (kinds, preferences), the
outbox that events write to in their own transaction, and the worker that delivers it."""
