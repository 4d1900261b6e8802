"""Questions: asking, answering and resolving threads."""
