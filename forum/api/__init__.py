"""The read API (/api/v1): threads, a thread, search and tags as JSON, under the pages' rules."""
