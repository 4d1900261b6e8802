"""Comments under questions and answers, and the asker's 補足."""
