"""Contact: お問い合わせ to the operators, and the admins' inbox."""
