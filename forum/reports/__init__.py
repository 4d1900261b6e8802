"""Reports: members flag a question or an answer for the moderators."""
