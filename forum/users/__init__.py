"""Users: public profiles."""
