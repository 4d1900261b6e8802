"""Search: resolved threads as a knowledge base."""
