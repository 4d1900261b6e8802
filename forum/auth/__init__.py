"""Auth: sign up, sign in, sign out."""
